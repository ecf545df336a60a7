#!/bin/sh
# Regenerates the fake CDN's audio: a 20 s plucked melody as mp3 (mono, 48 kbps, ~120 KB) and a
# 3 s tone as FLAC (lossless is big; -D: no dither, so FLAC compresses the pure tone).
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sox -D -n -r 44100 -c 2 -b 16 "$tmp/a.wav" synth 3 sine 440 vol 0.3 fade 0.05 3 0.2
flac -8 --silent -f -o tone.flac "$tmp/a.wav"
# C major arpeggios, half a second a note, 40 notes.
i=0
for note in C4 E4 G4 C5 G4 E4 A3 C4 E4 A4 E4 C4 F3 A3 C4 F4 C4 A3 G3 B3 D4 G4 D4 B3 \
            C4 E4 G4 C5 E5 C5 G4 E4 F4 A4 C5 F5 G4 B4 D5 C5; do
  sox -D -n -r 44100 -c 1 -b 16 "$tmp/n$(printf %03d $i).wav" synth 0.5 pluck "$note" vol 0.5
  i=$((i + 1))
done
sox -D "$tmp"/n*.wav "$tmp/melody.wav" fade 0 20 0.5
lame --quiet -m m -b 48 --resample 44.1 "$tmp/melody.wav" tone.mp3
