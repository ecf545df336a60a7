//! Criterion benches of the per-request algorithms: zzc / zzb over a real-sized `musics.fcg`
//! body, hash33 of a musickey, and QRC decryption of a ~3 KB lyric.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use duet_qqmusic::{qrc, sign, tokens};

/// A logged-in desktop search + lyric batch (spec §8), compact JSON, ~600 bytes (asserted).
fn search_request_body() -> String {
    let musickey = "Q_H_L_63k3NBfhG0fGfwAFF5ZtDtE8nc9sPZvx0cxhW9mCnqMEqBR9J5mQBaThbLTvfwkV";
    let g_tk = tokens::g_tk(Some(musickey));
    format!(
        concat!(
            r#"{{"comm":{{"ct":24,"cv":4747474,"platform":"yqq.json","chid":"0","uin":1152921504,"#,
            r#""g_tk":{g},"g_tk_new_20200303":{g},"format":"json","inCharset":"utf-8","#,
            r#""outCharset":"utf-8","notice":0,"needNewCode":1}},"#,
            r#""req_0":{{"module":"music.search.SearchCgiService","method":"DoSearchForQQMusicDesktop","#,
            r#""param":{{"query":"周杰伦 晴天","search_type":0,"page_num":1,"num_per_page":10,"#,
            r#""grp":1,"highlight":1}}}},"#,
            r#""req_1":{{"module":"music.musichallSong.PlayLyricInfo","method":"GetPlayLyricInfo","#,
            r#""param":{{"songMID":"0039MnYb0qxYhV","songID":97773,"crypt":1,"trans":1,"roma":1,"#,
            r#""qrc":1,"type":-1,"ct":19,"cv":1873}}}}}}"#
        ),
        g = g_tk
    )
}

/// A QRC XML wrapper with enough word-timed lines to make ~3 KB of text.
fn qrc_xml() -> String {
    let words = [
        "故事的",
        "小黄花",
        "从出生",
        "那年",
        "就飘着",
        "童年的",
        "荡秋千",
        "随记忆",
    ];
    let mut content = String::from("[ti:晴天]\n[ar:周杰伦]\n[al:叶惠美]\n[by:]\n[offset:0]\n");
    let mut start = 29_000u32;
    while content.len() < 2_900 {
        let line_start = start;
        let mut line = String::new();
        for word in words {
            line.push_str(&format!("{word}({start},{})", 310 + start % 97));
            start += 420;
        }
        content.push_str(&format!("[{line_start},{}]{line}\n", start - line_start));
        start += 800;
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<QrcInfos>\n\
         <QrcHeadInfo SaveTime=\"5\" Version=\"100\"/>\n<LyricInfo LyricCount=\"1\">\n\
         <Lyric_1 LyricType=\"1\" LyricContent=\"{content}\"/>\n</LyricInfo>\n</QrcInfos>\n"
    )
}

fn benches(c: &mut Criterion) {
    let body = search_request_body();
    assert!(
        (550..=650).contains(&body.len()),
        "body is {} bytes",
        body.len()
    );
    let mut signs = c.benchmark_group("sign");
    signs.throughput(Throughput::Bytes(body.len() as u64));
    signs.bench_function(format!("zzc/{}B", body.len()), |b| {
        b.iter(|| sign::zzc(black_box(body.as_bytes())));
    });
    signs.bench_function(format!("zzb/{}B", body.len()), |b| {
        b.iter(|| sign::zzb(black_box(body.as_bytes())));
    });
    signs.finish();

    let musickey = "Q_H_L_5dUk3bBPuF2yfDSnW9oR7GQ1mXZcKvT0aE";
    assert_eq!(musickey.len(), 40);
    c.bench_function("hash33/musickey_40", |b| {
        b.iter(|| tokens::hash33(black_box(musickey), 5381));
    });

    let xml = qrc_xml();
    let ciphertext = qrc::encrypt_to_hex(&xml);
    assert_eq!(
        qrc::decrypt_hex(&ciphertext).ok().as_deref(),
        Some(xml.as_str())
    );
    let mut lyrics = c.benchmark_group("qrc");
    lyrics.throughput(Throughput::Bytes(xml.len() as u64));
    lyrics.bench_function(
        format!(
            "decrypt_hex/{}B_text_{}B_cipher",
            xml.len(),
            ciphertext.len() / 2
        ),
        |b| b.iter(|| qrc::decrypt_hex(black_box(&ciphertext))),
    );
    lyrics.bench_function(format!("encrypt_to_hex/{}B_text", xml.len()), |b| {
        b.iter(|| qrc::encrypt_to_hex(black_box(&xml)));
    });
    lyrics.finish();
}

criterion_group!(algorithms, benches);
criterion_main!(algorithms);
