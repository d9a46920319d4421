#!/usr/bin/env bash
# Rebuild this lexicon from the spoken-to-signed-translation recordings with signgen's own
# importer: ./pose_sequences/seed.sh SOURCE_DIR (a folder holding index.csv, ase/ and sgg/).
# Only the ASL (ase) and DSGS (sgg) rows are imported; the upstream index also lists the ASL
# alphabet under LSF (fsl), which is a different manual alphabet, so those rows are skipped.
set -euo pipefail
source_dir=${1:?usage: seed.sh SOURCE_DIR}
here=$(cd "$(dirname "$0")" && pwd)
signgen=${SIGNGEN:-signgen}
# index.csv columns: path,spoken_language,signed_language,start,end,words,glosses,priority
tail -n +2 "$source_dir/index.csv" | while IFS=, read -r path spoken signed _start _end words gloss priority; do
    case "$signed" in ase | sgg) ;; *) continue ;; esac
    gloss=${gloss^^}
    if [ "${#gloss}" -eq 1 ]; then words=""; fi  # a letter stands for no spoken word
    "$signgen" lexicon add "$gloss" "$source_dir/$path" --language "$signed" \
        --spoken-language "$spoken" --words "${words,,}" --priority "$priority" \
        --lexicon "$here"
done
