#!/usr/bin/env bash
# SIGKILL-and-resume check: an unbroken run and a run killed with SIGKILL after its 2nd epoch, then resumed.
set -u
cd "$(dirname "$0")/.."
D=../shared/data/perov_5
rm -rf ${OUT:-/tmp/xtal-kill-check} && mkdir -p ${OUT:-/tmp/xtal-kill-check}
common=(train --model crystalformer --data $D/train.csv.xz --val-data $D/val.csv.xz --limit 600,200 --target heat_ref
        --structure-column cif --id-column material_id --epochs 5 --set swa_epochs=2 --seed 5 --threads 2 --quiet)
t0=$(date +%s)
bin/xtal "${common[@]}" --out ${OUT:-/tmp/xtal-kill-check}/straight > ${OUT:-/tmp/xtal-kill-check}/straight.log 2>&1
echo "straight: exit $? in $(( $(date +%s) - t0 )) s"
bin/xtal "${common[@]}" --out ${OUT:-/tmp/xtal-kill-check}/killed > ${OUT:-/tmp/xtal-kill-check}/killed.log 2>&1 &
pid=$!
while [[ $(grep -c . ${OUT:-/tmp/xtal-kill-check}/killed/metrics.csv 2>/dev/null || echo 0) -lt 3 ]]; do sleep 0.5; done
# the JVM is bin/xtal's exec'd java (same pid)
kill -9 $pid; wait $pid; echo "killed with SIGKILL after $(( $(grep -c . ${OUT:-/tmp/xtal-kill-check}/killed/metrics.csv) - 1 )) epochs (exit $?)"
bin/xtal "${common[@]}" --out ${OUT:-/tmp/xtal-kill-check}/killed --resume > ${OUT:-/tmp/xtal-kill-check}/resumed.log 2>&1
echo "resumed: exit $?"
cut -d, -f1-6 ${OUT:-/tmp/xtal-kill-check}/straight/metrics.csv > ${OUT:-/tmp/xtal-kill-check}/a.csv
cut -d, -f1-6 ${OUT:-/tmp/xtal-kill-check}/killed/metrics.csv > ${OUT:-/tmp/xtal-kill-check}/b.csv
head -1 ${OUT:-/tmp/xtal-kill-check}/straight/metrics.csv
if cmp -s ${OUT:-/tmp/xtal-kill-check}/a.csv ${OUT:-/tmp/xtal-kill-check}/b.csv; then echo "metrics.csv (epoch, losses, MAEs, lr) identical"; else echo DIFFERENT; diff ${OUT:-/tmp/xtal-kill-check}/a.csv ${OUT:-/tmp/xtal-kill-check}/b.csv; fi
bin/xtal predict --model ${OUT:-/tmp/xtal-kill-check}/straight/model.xtal examples/structures -o ${OUT:-/tmp/xtal-kill-check}/pa.csv --threads 1 >/dev/null 2>&1
bin/xtal predict --model ${OUT:-/tmp/xtal-kill-check}/killed/model.xtal examples/structures -o ${OUT:-/tmp/xtal-kill-check}/pb.csv --threads 1 >/dev/null 2>&1
if cmp -s ${OUT:-/tmp/xtal-kill-check}/pa.csv ${OUT:-/tmp/xtal-kill-check}/pb.csv; then echo "predictions of the two model files identical"; else echo "predictions DIFFER"; fi
