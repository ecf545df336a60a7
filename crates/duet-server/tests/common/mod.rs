//! The harness: a fake upstream in-process, the real `duet-server` binary as a child process
//! routed to it through `DUET_UPSTREAM`, and its own namespace in the real Secret Service.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use duet_core::{CredentialStore, ProviderId};
use duet_fake_upstream::{FakeConfig, FakeUpstream};
use duet_services::KeyringStore;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub async fn fake() -> FakeUpstream {
    FakeUpstream::spawn(FakeConfig::default()).await.unwrap()
}

/// A keychain namespace no other test (and no person) uses.
pub fn keychain_service() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "duet-it-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

pub fn keychain(service: &str) -> KeyringStore {
    KeyringStore::with_service(service)
}

pub fn stored_session(service: &str) -> Option<String> {
    keychain(service)
        .load(ProviderId::Netease)
        .expect("a Secret Service must be running (./dev test starts one)")
        .map(|s| s.expose().to_owned())
}

pub struct Server {
    child: Child,
    pub base: String,
    pub http: reqwest::Client,
    pub service: String,
    log: PathBuf,
}

pub struct Options {
    pub upstream_timeout_secs: u64,
    pub extra_args: Vec<String>,
    pub token: Option<String>,
    /// Leave out `--keychain-service`: the server's own default entries.
    pub default_keychain: bool,
    /// Keep a person's pace (`Pace::HUMAN`), for the tests about the request budget; the rest
    /// run at `DUET_TEST_PACE=fast`, as they are not about pacing.
    pub human_pace: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            upstream_timeout_secs: 5,
            extra_args: Vec::new(),
            token: None,
            default_keychain: false,
            human_pace: false,
        }
    }
}

impl Server {
    pub async fn start(fake: &FakeUpstream, service: &str) -> Server {
        Self::start_with(fake, service, Options::default()).await
    }

    pub async fn start_with(fake: &FakeUpstream, service: &str, options: Options) -> Server {
        let log = std::env::temp_dir().join(format!("{service}-{}.log", rand_suffix()));
        let log_file = std::fs::File::create(&log).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_duet-server"));
        command.args(["--listen", "127.0.0.1:0"]);
        if !options.default_keychain {
            command.args(["--keychain-service", service]);
        }
        command
            .args([
                "--upstream-timeout-secs",
                &options.upstream_timeout_secs.to_string(),
            ])
            .args(&options.extra_args)
            .env("DUET_UPSTREAM", fake.base_url())
            .env("RUST_LOG", "trace")
            .env_remove("DUET_SERVER_TOKEN")
            .stdout(Stdio::piped())
            .stderr(log_file)
            .kill_on_drop(true);
        if let Some(token) = &options.token {
            command.env("DUET_SERVER_TOKEN", token);
        }
        if options.human_pace {
            command.env_remove(duet_services::TEST_PACE_ENV);
        } else {
            command.env(duet_services::TEST_PACE_ENV, "fast");
        }
        let mut child = command.spawn().expect("duet-server starts");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .expect("duet-server announces its address")
            .unwrap()
            .unwrap_or_else(|| {
                panic!(
                    "duet-server exited: {}",
                    std::fs::read_to_string(&log).unwrap()
                )
            });
        let base = line
            .strip_prefix("duet-server listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Server {
            child,
            base,
            http: reqwest::Client::new(),
            service: service.to_owned(),
            log,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let response = self.http.get(self.url(path)).send().await.unwrap();
        into_json(response).await
    }

    pub async fn post(&self, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self.http.post(self.url(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        into_json(request.send().await.unwrap()).await
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        into_json(self.http.delete(self.url(path)).send().await.unwrap()).await
    }

    /// Everything the server wrote to stderr (its log) so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub async fn stop(mut self) -> String {
        let _ = self.child.kill().await;
        let log = self.log();
        let _ = std::fs::remove_file(&self.log);
        log
    }

    /// The whole QR login: start, scan and confirm on the fake "phone", wait for `confirmed`.
    pub async fn login(&self, fake: &FakeUpstream) -> Value {
        let (status, qr) = self.post("/v1/netease/login/qr", None).await;
        assert_eq!(status, 200, "{qr}");
        let key = qr["key"].as_str().unwrap().to_owned();
        wait_for_state(self, &key, "waiting").await;
        assert!(fake.netease().scan(&key));
        wait_for_state(self, &key, "scanned").await;
        assert!(fake.netease().confirm(&key));
        wait_for_state(self, &key, "confirmed").await
    }
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

async fn into_json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, json_body(&response.bytes().await.unwrap()))
}

/// An answer's body as JSON (`Null` when empty); anything else fails the test.
pub fn json_body(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(bytes)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(bytes)))
    }
}

/// Polls the server's login state until it reads `state` (the server itself polls the service
/// every 2 s).
pub async fn wait_for_state(server: &Server, key: &str, state: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, body) = server.get(&format!("/v1/netease/login/qr/{key}")).await;
        assert_eq!(status, 200, "{body}");
        if body["state"] == state {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "still {} instead of {state}: {body}",
            body["state"]
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub fn assert_error(status: u16, body: &Value, want_status: u16, kind: &str) {
    assert_eq!(status, want_status, "{body}");
    assert_eq!(body["error"]["kind"], kind, "{body}");
    assert!(
        !body["error"]["message"].as_str().unwrap_or("").is_empty(),
        "errors explain themselves: {body}"
    );
}
