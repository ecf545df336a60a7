#!/bin/sh
# Regenerates tone.flac and tone.mp3 (each well under 60 KB). -D: no dither, so FLAC compresses the pure tone.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sox -D -n -r 44100 -c 2 -b 16 "$tmp/a.wav" synth 3 sine 440 vol 0.3 fade 0.05 3 0.2
flac -8 --silent -f -o tone.flac "$tmp/a.wav"
sox -D -n -r 44100 -c 2 -b 16 "$tmp/c.wav" synth 3 sine 523.25 vol 0.3 fade 0.05 3 0.2
lame --quiet -b 128 --resample 44.1 "$tmp/c.wav" tone.mp3
