#!/usr/bin/env node
// Single-threaded crypto throughput of the npm NeteaseCloudMusicApi package,
// using the package's OWN util/crypto.js (crypto-js AES + node-forge RSA), on
// the same request bodies as crates/duet-netease/examples/crypto_throughput.rs.
//
// Usage: node ncma.js [N]   (default 20000). Prints one JSON line:
//   {"eapi_per_s":…,"weapi_per_s":…,"n":…,"ncma_version":"…"}
'use strict'

const assert = require('node:assert')
const crypto = require('NeteaseCloudMusicApi/util/crypto.js')
const { version } = require('NeteaseCloudMusicApi/package.json')

const EAPI_URL = '/api/song/enhance/player/url/v1'
// A string is used as-is by crypto.eapi(url, object) (no JSON.stringify).
const EAPI_TEXT =
  '{"ids":"[33894312]","level":"exhigh","encodeType":"flac","header":{"os":"pc","appver":"3.1.17.204416","deviceId":"5E9A7A2C1B3D4F60718293A4B5C6D7E8","requestId":"1700000000000_0421"},"e_r":false}'
// crypto.weapi(object) runs JSON.stringify and draws its own random 16-char
// secret per call (Math.random), then AES-CBC twice + RSA of the reversed secret.
const WEAPI_BODY = { ids: '[33894312]', level: 'exhigh', encodeType: 'mp3', csrf_token: '' }

const n = Math.max(1, Number.parseInt(process.argv[2] || '20000', 10) || 20000)

// Self-checks: same bytes as the Rust side / the spec's vectors.
assert.strictEqual(
  JSON.stringify(WEAPI_BODY),
  '{"ids":"[33894312]","level":"exhigh","encodeType":"mp3","csrf_token":""}',
)
assert.strictEqual(
  crypto.eapi('/test/url', '"test value"').params,
  'E556EA4892989E4A1B98043B56CD3C77C6DBE3D0261A0FA8ACF45E2882DBABFD13F52E05D9EF39C101A7A46DD0E0CD0979A2DD9CE30975861F6F4E86855FE00AD841C36BA90177218D0D8D32A54A0DC4',
)
{
  const w = crypto.weapi(WEAPI_BODY)
  assert.strictEqual(w.encSecKey.length, 256)
}

function eapiRound(k) {
  let acc = 0
  for (let i = 0; i < k; i++) acc += crypto.eapi(EAPI_URL, EAPI_TEXT).params.length
  return acc
}

function weapiRound(k) {
  let acc = 0
  for (let i = 0; i < k; i++) acc += crypto.weapi(WEAPI_BODY).params.length
  return acc
}

function rate(k, f) {
  const t0 = process.hrtime.bigint()
  const acc = f(k)
  const ns = Number(process.hrtime.bigint() - t0)
  if (acc === 0) throw new Error('no output')
  return k / (ns / 1e9)
}

// Warm-up so the JIT has compiled the hot paths (the Rust side warms up too).
eapiRound(Math.floor(n / 10) + 1)
weapiRound(Math.floor(n / 10) + 1)

const eapi_per_s = rate(n, eapiRound)
const weapi_per_s = rate(n, weapiRound)
console.log(
  JSON.stringify({
    eapi_per_s: Math.round(eapi_per_s * 10) / 10,
    weapi_per_s: Math.round(weapi_per_s * 10) / 10,
    n,
    ncma_version: version,
  }),
)
