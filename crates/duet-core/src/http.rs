//! Reading HTTP answers with a ceiling, so that a hostile or broken upstream (an endless body, a
//! Content-Length of a terabyte, a gzip bomb) cannot exhaust memory: the body is read chunk by
//! chunk and given up as soon as it passes its limit.

use crate::error::Error;

/// The largest API answer Duet reads: 16 MiB. The largest real ones are a 1,000-track
/// `song/detail` batch (about 0.3 MB of JSON; a 10,000-track playlist arrives in ten of them)
/// and a lyric answer with translation and word timing (tens of KB), so this leaves a margin of
/// fifty times over the largest.
pub const MAX_API_ANSWER: usize = 16 << 20;

/// The largest image Duet reads (a cover for its colours, a QR code): 8 MiB. Covers come at
/// a few hundred KB even at full size; QR codes at a few KB.
pub const MAX_IMAGE: usize = 8 << 20;

/// Why a capped body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// The body (announced or as it arrived) is larger than the limit; reading stopped there.
    #[error("the answer is larger than {}", mebibytes(*limit))]
    TooLarge { limit: usize },
    /// The connection failed while the body arrived (timeout, reset, bad gzip).
    #[error(transparent)]
    Http(#[from] reqwest::Error),
}

impl BodyError {
    /// The typed error: [`answer_too_large`] for an oversized body, else what `on_http` makes
    /// of the connection failure (each client words those itself).
    pub fn into_error(self, on_http: impl FnOnce(reqwest::Error) -> Error) -> Error {
        match self {
            BodyError::TooLarge { limit } => answer_too_large(limit),
            BodyError::Http(e) => on_http(e),
        }
    }
}

/// The error of an answer larger than `limit`: `upstream`, "… larger than N MiB".
pub fn answer_too_large(limit: usize) -> Error {
    Error::upstream(format!(
        "the service's answer is larger than {}; Duet stopped reading it",
        mebibytes(limit)
    ))
}

fn mebibytes(bytes: usize) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

/// The whole body of `response`, at most `limit` bytes. Fails at once when Content-Length
/// announces more, and otherwise as soon as the bytes that arrived pass `limit` (without
/// reading the rest). Sizes are of the decoded body (after gzip).
pub async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, BodyError> {
    let announced = response.content_length();
    if announced.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge { limit });
    }
    let mut body = Vec::with_capacity(announced.map_or(0, |n| n as usize));
    while let Some(chunk) = response.chunk().await? {
        if chunk.len() > limit - body.len() {
            return Err(BodyError::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    /// A one-connection HTTP server that sends `head`, then `body_chunk` `repeat` times (or
    /// forever when `None`), and reports how many body bytes it managed to send.
    async fn serve(
        head: &'static str,
        body_chunk: &'static [u8],
        repeat: Option<usize>,
    ) -> (String, tokio::task::JoinHandle<usize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = [0u8; 1024];
            let _ = socket.read(&mut request).await;
            if socket.write_all(head.as_bytes()).await.is_err() {
                return 0;
            }
            let mut sent = 0;
            let mut left = repeat;
            while left != Some(0) {
                if socket.write_all(body_chunk).await.is_err() {
                    break;
                }
                sent += body_chunk.len();
                left = left.map(|n| n - 1);
            }
            sent
        });
        (url, task)
    }

    async fn get(url: &str) -> reqwest::Response {
        reqwest::Client::new()
            .get(url)
            .timeout(Duration::from_secs(20))
            .send()
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_body_within_the_limit_is_read_whole() {
        let (url, server) = serve(
            "HTTP/1.1 200 OK\r\nContent-Length: 12\r\nConnection: close\r\n\r\n",
            b"{\"code\":200}",
            Some(1),
        )
        .await;
        let body = read_capped(get(&url).await, 12).await.unwrap();
        assert_eq!(body, b"{\"code\":200}");
        server.await.unwrap();
    }

    #[tokio::test]
    async fn an_announced_excess_is_refused_before_reading() {
        let (url, server) = serve(
            "HTTP/1.1 200 OK\r\nContent-Length: 1099511627776\r\n\r\n",
            &[b'x'; 4096],
            None,
        )
        .await;
        let started = Instant::now();
        let error = read_capped(get(&url).await, MAX_API_ANSWER)
            .await
            .unwrap_err();
        assert!(matches!(error, BodyError::TooLarge { limit } if limit == MAX_API_ANSWER));
        let typed = error.into_error(|_| unreachable!("not a connection failure"));
        assert_eq!(typed.kind, crate::ErrorKind::Upstream);
        assert!(typed.message.contains("larger than 16 MiB"), "{typed}");
        assert!(started.elapsed() < Duration::from_secs(5));
        server.abort();
    }

    #[tokio::test]
    async fn an_endless_chunked_body_stops_at_the_limit() {
        // 8 KiB chunks in chunked encoding, forever.
        static CHUNK: [u8; 8 * 1024 + 8] = {
            let mut chunk = [b'a'; 8 * 1024 + 8];
            let head = *b"2000\r\n";
            let mut i = 0;
            while i < head.len() {
                chunk[i] = head[i];
                i += 1;
            }
            chunk[8 * 1024 + 6] = b'\r';
            chunk[8 * 1024 + 7] = b'\n';
            chunk
        };
        let (url, server) = serve(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n",
            &CHUNK,
            None,
        )
        .await;
        let limit = 1 << 20;
        let error = read_capped(get(&url).await, limit).await.unwrap_err();
        assert!(matches!(error, BodyError::TooLarge { .. }), "{error:?}");
        let typed = error.into_error(|e| panic!("a connection failure: {e}"));
        assert!(typed.message.contains("larger than 1 MiB"), "{typed}");
        server.abort();
    }

    #[tokio::test]
    async fn a_body_exactly_at_the_limit_passes_and_one_byte_more_fails() {
        let (url, server) = serve(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
            b"5\r\nhello\r\n0\r\n\r\n",
            Some(1),
        )
        .await;
        assert_eq!(read_capped(get(&url).await, 5).await.unwrap(), b"hello");
        server.await.unwrap();
        let (url, server) = serve(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
            b"5\r\nhello\r\n0\r\n\r\n",
            Some(1),
        )
        .await;
        assert!(matches!(
            read_capped(get(&url).await, 4).await,
            Err(BodyError::TooLarge { limit: 4 })
        ));
        server.abort();
    }

    #[tokio::test]
    async fn a_cut_connection_is_an_http_error_not_a_size_error() {
        let (url, server) = serve(
            "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n",
            b"only ten b",
            Some(1),
        )
        .await;
        let response = get(&url).await;
        server.await.unwrap();
        let error = read_capped(response, 1000).await.unwrap_err();
        assert!(matches!(error, BodyError::Http(_)), "{error:?}");
        let typed = error.into_error(|e| Error::network(e.to_string()));
        assert_eq!(typed.kind, crate::ErrorKind::Network);
    }

    #[test]
    fn limits_are_worded_in_mebibytes() {
        assert_eq!(mebibytes(MAX_API_ANSWER), "16 MiB");
        assert_eq!(mebibytes(MAX_IMAGE), "8 MiB");
        assert_eq!(mebibytes(5), "5 bytes");
    }
}
