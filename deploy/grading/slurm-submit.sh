#!/bin/bash
# Queue the grading array, then the merge to start once every shard has succeeded.
#     GRADING=/scratch/$USER/grading bash deploy/grading/slurm-submit.sh
set -euo pipefail
here=$(dirname "$0")
array=$(sbatch --parsable --export=ALL "$here/slurm-grade.sbatch")
sbatch --parsable --export=ALL --dependency="afterok:${array%%;*}" "$here/slurm-merge.sbatch"
