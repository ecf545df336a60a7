//! Criterion benchmarks of the NetEase ciphers (`duet_netease::crypto`).
//!
//! Run: `cargo bench -p duet-netease --bench crypto -- --warm-up-time 1 --measurement-time 3`
//!
//! The request bodies are the ones `examples/crypto_throughput.rs` and
//! `bench/ncma-compare/ncma.js` use, so the figures are comparable.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use duet_netease::crypto::{
    eapi_decrypt_request, eapi_decrypt_response, eapi_encrypt, eapi_encrypt_response,
    linuxapi_encrypt, random_weapi_secret, weapi_enc_sec_key, weapi_encrypt, WEAPI_RSA_EXPONENT,
    WEAPI_RSA_MODULUS_HEX,
};
use num_bigint::BigUint;

/// Song-URL request as the PC client sends it (header object included).
const EAPI_URL: &str = "/api/song/enhance/player/url/v1";
const EAPI_TEXT: &str = r#"{"ids":"[33894312]","level":"exhigh","encodeType":"flac","header":{"os":"pc","appver":"3.1.17.204416","deviceId":"5E9A7A2C1B3D4F60718293A4B5C6D7E8","requestId":"1700000000000_0421"},"e_r":false}"#;
/// Small weapi body (song URL, logged out).
const WEAPI_TEXT: &str =
    r#"{"ids":"[33894312]","level":"exhigh","encodeType":"mp3","csrf_token":""}"#;

/// A realistic ~2 KB `song/enhance/player/url/v1` answer.
fn response_json_2k() -> String {
    let mut s = String::from(r#"{"data":["#);
    let mut id = 33_894_312u64;
    while s.len() < 1900 {
        if !s.ends_with('[') {
            s.push(',');
        }
        s.push_str(&format!(
            r#"{{"id":{id},"url":"http://m801.music.126.net/20240101000000/0123456789abcdef0123456789abcdef/jdymusic/obj/wo3DlMOGwrbDjj7DisKw/{id}/a1b2/c3d4/e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0.flac?authSecret=0000018c","br":999000,"size":27361823,"md5":"e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0","code":200,"expi":1200,"type":"flac","gain":-2.0,"peak":1.0,"fee":8,"payed":0,"flag":260,"canExtend":false,"level":"lossless","encodeType":"flac","time":253000}}"#
        ));
        id += 1;
    }
    s.push_str(r#"],"code":200}"#);
    s
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("eapi");
    g.throughput(Throughput::Bytes(EAPI_TEXT.len() as u64));
    g.bench_function("eapi_encrypt song_url", |b| {
        b.iter(|| eapi_encrypt(black_box(EAPI_URL), black_box(EAPI_TEXT)));
    });
    let params = eapi_encrypt(EAPI_URL, EAPI_TEXT);
    g.bench_function("eapi_decrypt_request song_url", |b| {
        b.iter(|| eapi_decrypt_request(black_box(&params)).unwrap());
    });
    let json = response_json_2k();
    let body = eapi_encrypt_response(json.as_bytes());
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function(format!("eapi_decrypt_response {}B", body.len()), |b| {
        b.iter(|| eapi_decrypt_response(black_box(&body), false).unwrap());
    });
    let gz_body = eapi_encrypt_response(&gzip(json.as_bytes()));
    g.throughput(Throughput::Bytes(json.len() as u64));
    g.bench_function(
        format!(
            "eapi_decrypt_response gzip {}B->{}B",
            gz_body.len(),
            json.len()
        ),
        |b| b.iter(|| eapi_decrypt_response(black_box(&gz_body), true).unwrap()),
    );
    g.finish();

    let mut g = c.benchmark_group("weapi");
    let secret = *b"aB3dE5fG7hJ9kL1m";
    g.bench_function("weapi_encrypt fixed secret", |b| {
        b.iter(|| weapi_encrypt(black_box(WEAPI_TEXT), black_box(&secret)));
    });
    g.bench_function("weapi_encrypt random secret", |b| {
        b.iter(|| weapi_encrypt(black_box(WEAPI_TEXT), &random_weapi_secret()));
    });
    g.bench_function("weapi_enc_sec_key", |b| {
        b.iter(|| weapi_enc_sec_key(black_box(&secret)));
    });
    // The same RSA through num-bigint, two ways (without the hex encoding weapi_enc_sec_key
    // includes): why `crypto/weapi/rsa.rs` keeps its own Montgomery arithmetic.
    let n = BigUint::parse_bytes(WEAPI_RSA_MODULUS_HEX.as_bytes(), 16).unwrap();
    let e = BigUint::from(WEAPI_RSA_EXPONENT);
    g.bench_function("rsa num-bigint modpow", |b| {
        b.iter(|| BigUint::from_bytes_le(black_box(&secret)).modpow(&e, &n));
    });
    g.bench_function("rsa num-bigint square-and-reduce", |b| {
        b.iter(|| {
            let m = BigUint::from_bytes_le(black_box(&secret));
            let mut x = m.clone();
            for _ in 0..16 {
                x = &x * &x % &n;
            }
            x * &m % &n
        });
    });
    g.finish();

    let mut g = c.benchmark_group("linuxapi");
    let lx = r#"{"method":"POST","url":"https://music.163.com/api/song/lyric","params":{"id":"33894312","lv":-1,"kv":-1,"tv":-1}}"#;
    g.bench_function("linuxapi_encrypt lyric", |b| {
        b.iter(|| linuxapi_encrypt(black_box(lx)));
    });
    g.finish();
}

criterion_group!(crypto, benches);
criterion_main!(crypto);
