#!/bin/bash
# Submits a sharded run: N shard tasks as a job array, then the merge, which starts only once every
# shard has succeeded. Usage (from the project folder):
#   slurm/submit.sh N                      the corpus in raw/, published to dist-data/
#   RAW=/path/corpus OUT=/path/out VERSION=1.1.0 slurm/submit.sh 64
#   slurm/submit.sh 64 --cpus-per-task=2 --mem=4G   sbatch options after N go to the shard array only
# Options for both jobs (partition, account) go in SBATCH_* variables, e.g. SBATCH_PARTITION=short;
# command-line options win over them (so SBATCH_MEM_PER_NODE=8G sizes the merge above). sbatch has no
# variable for --cpus-per-task: a node smaller than its #SBATCH line leaves the array pending forever
# (Reason=PartitionConfig) rather than failing, hence the pass-through.
set -euo pipefail
SHARDS=${1:?usage: slurm/submit.sh NUMBER_OF_SHARDS [SBATCH_OPTIONS_FOR_THE_SHARDS...]}
shift
[[ $SHARDS =~ ^[1-9][0-9]*$ ]] || { echo "the number of shards must be a whole number ≥ 1, not '$SHARDS'" >&2; exit 2; }
mkdir -p logs
export PROJECT=${PROJECT:-$PWD} SHARDS
array=$(sbatch --parsable --array="1-$SHARDS" --export=ALL "$@" slurm/shard.sbatch)
# --kill-on-invalid-dep: if a shard fails, cancel the merge instead of leaving it pending forever
# (Reason=DependencyNeverSatisfied) unless the cluster sets SchedulerParameters=kill_invalid_depend.
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes --export=ALL slurm/merge.sbatch)
echo "submitted shards as job array $array (1-$SHARDS) and the merge as job $merge (after every shard succeeds)"
