//! The picture of a listening summary to share: built as an SVG by hand, rasterised with resvg.
//! One renderer for the app ("Save image…") and `duet-server` (`/api/listenreport?format=png`).
//!
//! Text is set in the system's fonts (fontdb), a CJK family first where one is installed, with
//! resvg's per-character fallback to any installed font that has the glyph. Without a font that
//! has Chinese glyphs, each Chinese character is drawn as the font's missing-glyph box (the
//! numbers, bars and Latin text still show); `./dev` installs Noto Sans CJK on Debian and Ubuntu.

use std::sync::{Arc, OnceLock};

use duet_core::ProviderId;
use resvg::{tiny_skia, usvg};
use serde_json::Value;

use crate::store::Amount;
use crate::{ListeningError, Period, Summary};

const WIDTH: u32 = 1080;
const MARGIN: u32 = 64;
const ROWS_PER_LIST: usize = 5;
const FONTS: &str = "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', \
    'WenQuanYi Micro Hei', 'Noto Sans', 'DejaVu Sans', Arial, sans-serif";

/// The picture's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    En,
    Zh,
}

/// One number of the totals row.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub name: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct List {
    pub title: String,
    pub rows: Vec<Row>,
}

/// What the picture shows, whatever it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    pub heading: String,
    pub subheading: String,
    pub figures: Vec<Figure>,
    /// Time per day (minutes), oldest first; no chart when empty.
    pub chart_title: String,
    /// Under the chart: the longest day.
    pub chart_note: String,
    pub bars: Vec<Bar>,
    pub lists: Vec<List>,
    pub footer: String,
}

fn words(language: Language, en: &'static str, zh: &'static str) -> String {
    match language {
        Language::En => en,
        Language::Zh => zh,
    }
    .to_owned()
}

/// "3 h 05 min", "42 min"; under a minute "23 s", so a first session is not "0 min".
pub fn duration_text(ms: u64, language: Language) -> String {
    if (1..60_000).contains(&ms) {
        let seconds = ms / 1000;
        return match language {
            Language::En => format!("{seconds} s"),
            Language::Zh => format!("{seconds} 秒"),
        };
    }
    let minutes = ms / 60_000;
    let (h, m) = (minutes / 60, minutes % 60);
    match (language, h) {
        (Language::En, 0) => format!("{m} min"),
        (Language::En, _) => format!("{h} h {m:02} min"),
        (Language::Zh, 0) => format!("{m} 分钟"),
        (Language::Zh, _) => format!("{h} 小时 {m} 分"),
    }
}

fn plays_text(plays: u32, language: Language) -> String {
    match (language, plays) {
        (Language::En, 1) => "1 play".into(),
        (Language::En, n) => format!("{n} plays"),
        (Language::Zh, n) => format!("{n} 次"),
    }
}

fn service_name(service: Option<ProviderId>, language: Language) -> String {
    match (service, language) {
        (None, Language::En) => "NetEase Cloud Music and QQ Music".into(),
        (None, Language::Zh) => "网易云音乐与 QQ 音乐".into(),
        (Some(ProviderId::Netease), Language::En) => "NetEase Cloud Music".into(),
        (Some(ProviderId::Netease), Language::Zh) => "网易云音乐".into(),
        (Some(ProviderId::Qq), Language::En) => "QQ Music".into(),
        (Some(ProviderId::Qq), Language::Zh) => "QQ 音乐".into(),
    }
}

fn period_name(period: Period, language: Language) -> String {
    match period {
        Period::Today => words(language, "today", "今天"),
        Period::Week => words(language, "this week", "本周"),
        Period::Month => words(language, "this month", "本月"),
        Period::Year => words(language, "this year", "今年"),
        Period::AllTime => words(language, "all time", "全部"),
    }
}

fn amount_detail(amount: Amount, language: Language) -> String {
    format!(
        "{} · {}",
        duration_text(amount.heard_ms, language),
        plays_text(amount.plays, language)
    )
}

/// The service a row is from, when the picture shows both.
fn tagged(detail: String, provider: ProviderId, shown: Option<ProviderId>) -> String {
    match (shown, provider) {
        (Some(_), _) => detail,
        (None, ProviderId::Netease) => format!("{detail} · NetEase"),
        (None, ProviderId::Qq) => format!("{detail} · QQ"),
    }
}

fn artist_names(artists: &[duet_core::ArtistRef]) -> String {
    artists
        .iter()
        .map(|a| a.name.as_str())
        .collect::<Vec<_>>()
        .join(" / ")
}

impl Picture {
    /// Duet's own record: totals, the chart of the summary's days, its top fives.
    pub fn of_summary(summary: &Summary, language: Language) -> Self {
        let t = &summary.totals;
        let figures = vec![
            Figure {
                label: words(language, "Today", "今天"),
                value: duration_text(t.today.heard_ms, language),
            },
            Figure {
                label: words(language, "This week", "本周"),
                value: duration_text(t.week.heard_ms, language),
            },
            Figure {
                label: words(language, "This month", "本月"),
                value: duration_text(t.month.heard_ms, language),
            },
            Figure {
                label: words(language, "All time", "全部"),
                value: duration_text(t.all_time.heard_ms, language),
            },
        ];
        let bars = summary
            .days
            .iter()
            .map(|d| Bar {
                label: d.date.clone(),
                value: d.amount.heard_ms / 60_000,
            })
            .collect();
        let tops = &summary.tops;
        let lists = vec![
            List {
                title: words(language, "Top tracks", "最常听的歌"),
                rows: tops
                    .tracks
                    .iter()
                    .take(ROWS_PER_LIST)
                    .map(|t| Row {
                        name: format!("{} — {}", t.title, artist_names(&t.artists)),
                        detail: tagged(
                            amount_detail(t.amount, language),
                            t.provider,
                            summary.service,
                        ),
                    })
                    .collect(),
            },
            List {
                title: words(language, "Top artists", "最常听的歌手"),
                rows: tops
                    .artists
                    .iter()
                    .take(ROWS_PER_LIST)
                    .map(|a| Row {
                        name: a.name.clone(),
                        detail: tagged(
                            amount_detail(a.amount, language),
                            a.provider,
                            summary.service,
                        ),
                    })
                    .collect(),
            },
            List {
                title: words(language, "Top albums", "最常听的专辑"),
                rows: tops
                    .albums
                    .iter()
                    .take(ROWS_PER_LIST)
                    .map(|a| Row {
                        name: format!("{} — {}", a.name, artist_names(&a.artists)),
                        detail: tagged(
                            amount_detail(a.amount, language),
                            a.provider,
                            summary.service,
                        ),
                    })
                    .collect(),
            },
        ];
        Picture {
            heading: words(language, "My listening", "我的听歌记录"),
            subheading: format!(
                "{} · {}",
                service_name(summary.service, language),
                period_name(summary.period, language)
            ),
            figures,
            chart_title: words(
                language,
                "Minutes per day, last 30 days",
                "近 30 天每天收听分钟数",
            ),
            chart_note: {
                let longest = summary.days.iter().map(|d| d.amount.heard_ms).max();
                let longest = duration_text(longest.unwrap_or(0), language);
                match language {
                    Language::En => format!("longest day: {longest}"),
                    Language::Zh => format!("最多的一天：{longest}"),
                }
            },
            bars,
            lists,
            footer: words(
                language,
                "Duet · recorded on this computer, never sent anywhere",
                "Duet · 只记录在这台电脑上，从不发送",
            ),
        }
    }

    /// QQ Music's listening report (`GetProfileReport`'s `ListeningReport`, as
    /// `/api/listenreport` returns it): its year's figures and top singers and songs.
    pub fn of_qq_report(report: &Value, language: Language) -> Self {
        let number = |key: &str| report.get(key).and_then(Value::as_u64);
        let mut figures = Vec::new();
        if let Some(minutes) = number("ListenMinutes") {
            figures.push(Figure {
                label: words(language, "Listened", "收听时长"),
                value: duration_text(minutes * 60_000, language),
            });
        }
        if let Some(songs) = number("ListenSongs") {
            figures.push(Figure {
                label: words(language, "Songs", "歌曲"),
                value: songs.to_string(),
            });
        }
        if let Some(days) = number("ListenDays") {
            figures.push(Figure {
                label: words(language, "Days", "天数"),
                value: days.to_string(),
            });
        }
        let list = |key: &str, title: String, detail: &dyn Fn(&Value) -> String| List {
            title,
            rows: report
                .get(key)
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|item| {
                            let name = item.get("Name")?.as_str()?;
                            Some(Row {
                                name: name.to_owned(),
                                detail: detail(item),
                            })
                        })
                        .take(ROWS_PER_LIST)
                        .collect()
                })
                .unwrap_or_default(),
        };
        let minutes = |item: &Value| {
            item.get("Minutes")
                .and_then(Value::as_u64)
                .map(|m| duration_text(m * 60_000, language))
                .unwrap_or_default()
        };
        let count = |item: &Value| {
            item.get("Count")
                .and_then(Value::as_u64)
                .map(|n| plays_text(u32::try_from(n).unwrap_or(u32::MAX), language))
                .unwrap_or_default()
        };
        let year = number("Year")
            .map(|y| format!(" · {y}"))
            .unwrap_or_default();
        Picture {
            heading: words(language, "My listening report", "我的听歌报告"),
            subheading: format!("{}{year}", service_name(Some(ProviderId::Qq), language)),
            figures,
            chart_title: String::new(),
            chart_note: String::new(),
            bars: Vec::new(),
            lists: vec![
                list(
                    "TopSongs",
                    words(language, "Top songs", "最常听的歌"),
                    &count,
                ),
                list(
                    "TopSingers",
                    words(language, "Top singers", "最常听的歌手"),
                    &minutes,
                ),
            ],
            footer: words(
                language,
                "Duet · QQ Music's own report of this account",
                "Duet · QQ 音乐提供的本账号报告",
            ),
        }
    }

    /// The picture as an SVG document (every name escaped; characters XML cannot hold dropped).
    pub fn to_svg(&self) -> String {
        let mut svg = Svg::default();
        let inner = WIDTH - 2 * MARGIN;
        let mut y = MARGIN + 48;
        svg.text(MARGIN, y, (52, 700, "#ffffff"), "start", &self.heading, 34);
        y += 44;
        svg.text(
            MARGIN,
            y,
            (26, 400, "#c7cbd6"),
            "start",
            &self.subheading,
            60,
        );
        y += 40;

        if !self.figures.is_empty() {
            let gap = 16;
            let n = self.figures.len() as u32;
            let w = (inner - gap * (n - 1)) / n;
            for (i, figure) in self.figures.iter().enumerate() {
                let x = MARGIN + i as u32 * (w + gap);
                svg.rect(x, y, w, 124, 18, 0.08);
                svg.text(
                    x + 22,
                    y + 44,
                    (22, 400, "#c7cbd6"),
                    "start",
                    &figure.label,
                    18,
                );
                svg.text(
                    x + 22,
                    y + 94,
                    (34, 700, "#ffffff"),
                    "start",
                    &figure.value,
                    14,
                );
            }
            y += 124 + 48;
        }

        if !self.bars.is_empty() {
            svg.text(
                MARGIN,
                y,
                (24, 600, "#ffffff"),
                "start",
                &self.chart_title,
                60,
            );
            y += 20;
            let height = 200;
            let top = self.bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
            let slot = f64::from(inner) / self.bars.len() as f64;
            let bar_w = (slot * 0.7).max(2.0);
            svg.rect(MARGIN, y, inner, height, 14, 0.05);
            for (i, bar) in self.bars.iter().enumerate() {
                let h = (bar.value as f64 / top as f64) * f64::from(height - 24);
                let h = if bar.value > 0 { h.max(3.0) } else { 0.0 };
                let x = f64::from(MARGIN) + slot * i as f64 + (slot - bar_w) / 2.0;
                let bar_y = f64::from(y + height - 12) - h;
                svg.raw(&format!(
                    r##"<rect x="{x:.1}" y="{bar_y:.1}" width="{bar_w:.1}" height="{h:.1}" rx="3" fill="#ff5d73"/>"##
                ));
            }
            y += height + 30;
            if let (Some(first), Some(last)) = (self.bars.first(), self.bars.last()) {
                svg.text(MARGIN, y, (20, 400, "#c7cbd6"), "start", &first.label, 20);
                svg.text(
                    WIDTH - MARGIN,
                    y,
                    (20, 400, "#c7cbd6"),
                    "end",
                    &last.label,
                    20,
                );
                svg.text(
                    WIDTH / 2,
                    y,
                    (20, 400, "#c7cbd6"),
                    "middle",
                    &self.chart_note,
                    20,
                );
            }
            y += 48;
        }

        for list in &self.lists {
            svg.text(MARGIN, y, (28, 700, "#ffffff"), "start", &list.title, 40);
            y += 16;
            if list.rows.is_empty() {
                y += 40;
                svg.text(MARGIN, y, (22, 400, "#8b91a1"), "start", "—", 4);
                y += 20;
            }
            for (i, row) in list.rows.iter().enumerate() {
                y += 48;
                svg.text(
                    MARGIN,
                    y,
                    (24, 700, "#ff5d73"),
                    "start",
                    &format!("{}", i + 1),
                    3,
                );
                svg.text(MARGIN + 40, y, (24, 400, "#ffffff"), "start", &row.name, 40);
                svg.text(
                    WIDTH - MARGIN,
                    y,
                    (22, 400, "#c7cbd6"),
                    "end",
                    &row.detail,
                    24,
                );
            }
            y += 64;
        }

        y -= 12;
        svg.text(MARGIN, y, (20, 400, "#8b91a1"), "start", &self.footer, 80);
        let height = y + MARGIN - 20;
        format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}"><defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#2a1b2e"/><stop offset="1" stop-color="#12131a"/></linearGradient></defs><rect width="{WIDTH}" height="{height}" fill="url(#bg)"/><g font-family="{FONTS}">{}</g></svg>"##,
            svg.body
        )
    }

    /// The picture as a PNG.
    pub fn to_png(&self) -> Result<Vec<u8>, ListeningError> {
        let svg = self.to_svg();
        let options = usvg::Options {
            fontdb: system_fonts(),
            ..usvg::Options::default()
        };
        let tree = usvg::Tree::from_str(&svg, &options)
            .map_err(|e| ListeningError::Picture(e.to_string()))?;
        let size = tree.size().to_int_size();
        let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
            .ok_or_else(|| ListeningError::Picture("an empty picture".into()))?;
        resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
        pixmap
            .encode_png()
            .map_err(|e| ListeningError::Picture(e.to_string()))
    }
}

/// The system's fonts, read once per process (it reads every font file's header).
fn system_fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_system_fonts();
            if db.is_empty() {
                tracing::warn!("no system fonts found: the listening picture will have no text");
            }
            Arc::new(db)
        })
        .clone()
}

#[derive(Default)]
struct Svg {
    body: String,
}

impl Svg {
    fn raw(&mut self, element: &str) {
        self.body.push_str(element);
    }

    /// A white panel at `opacity`.
    fn rect(&mut self, x: u32, y: u32, w: u32, h: u32, r: u32, opacity: f32) {
        self.body.push_str(&format!(
            r##"<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{r}" fill="#ffffff" fill-opacity="{opacity}"/>"##
        ));
    }

    /// `text`, cut to about `max_wide` wide characters (a CJK character counts two narrow ones).
    /// `look`: the font size, the weight and the colour.
    fn text(
        &mut self,
        x: u32,
        y: u32,
        (size, weight, fill): (u32, u32, &str),
        anchor: &str,
        text: &str,
        max_wide: usize,
    ) {
        self.body.push_str(&format!(
            r#"<text x="{x}" y="{y}" font-size="{size}" font-weight="{weight}" fill="{fill}" text-anchor="{anchor}">{}</text>"#,
            escape(&shorten(text, max_wide * 2))
        ));
    }
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// Cut to `max_units` (a wide character is two), with "…" when cut.
fn shorten(text: &str, max_units: usize) -> String {
    let mut units = 0;
    let mut out = String::new();
    let chars: Vec<char> = text.chars().filter(|c| !c.is_control()).collect();
    let total: usize = chars.iter().map(|&c| if is_wide(c) { 2 } else { 1 }).sum();
    if total <= max_units {
        return chars.into_iter().collect();
    }
    for c in chars {
        let w = if is_wide(c) { 2 } else { 1 };
        if units + w > max_units.saturating_sub(1) {
            break;
        }
        units += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// Escapes for XML text, dropping characters XML 1.0 cannot hold at all.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || matches!(c as u32, 0xFFFE | 0xFFFF) => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_and_cut() {
        assert_eq!(
            escape("<a href=\"x\">&'\u{0}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
        assert_eq!(shorten("晴天晴天晴天", 6), "晴天…");
        assert_eq!(shorten("abc", 6), "abc");
        assert_eq!(
            duration_text(3 * 3_600_000 + 5 * 60_000, Language::En),
            "3 h 05 min"
        );
        assert_eq!(duration_text(59_999, Language::Zh), "59 秒");
        assert_eq!(duration_text(0, Language::En), "0 min");
    }
}
