//! Reading `testdata/vectors/netease.json`, the vectors every cipher module's tests check, and
//! the helpers those tests share.

use serde_json::Value;

const VECTORS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../testdata/vectors/netease.json"
));

pub(super) fn vectors() -> Value {
    serde_json::from_str(VECTORS).expect("netease.json parses")
}

pub(super) fn section(name: &str) -> Vec<Value> {
    let v = vectors();
    let arr = v[name]
        .as_array()
        .unwrap_or_else(|| panic!("section {name} is an array"))
        .clone();
    assert!(!arr.is_empty(), "section {name} is empty");
    arr
}

pub(super) fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("field {key} is a string in {v}"))
}

pub(super) fn secret16(v: &Value, key: &str) -> [u8; 16] {
    s(v, key).as_bytes().try_into().expect("secret is 16 bytes")
}

pub(super) fn unhex(h: &str) -> Vec<u8> {
    hex::decode(h).expect("vector hex")
}

pub(super) fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

pub(super) fn any_secret() -> impl proptest::strategy::Strategy<Value = [u8; 16]> {
    proptest::array::uniform16(proptest::arbitrary::any::<u8>())
}
