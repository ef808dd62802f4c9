#!/usr/bin/env bash
# Enforces the one-way dependency rule core <- render <- ui <- app by scanning #include lines.
#   core (except core/torch): no Qt, no VTK, no LibTorch, nothing from render/ui/app
#   core/torch:               no Qt, no VTK, nothing from render/ui/app
#   render:                   no Qt, nothing from ui/app
#   ui:                       nothing from app
# Usage: check_layering.sh SOURCE_ROOT   (exit 0 clean, 1 with one line per violation)
set -u
root="${1:?usage: check_layering.sh SOURCE_ROOT}"
fail=0
qt='#[[:space:]]*include[[:space:]]*[<"](Q[A-Za-z]+|qt[A-Za-z0-9_]*/|Qt[A-Za-z]+/)'
vtk='#[[:space:]]*include[[:space:]]*[<"]vtk'
torch='#[[:space:]]*include[[:space:]]*[<"](torch/|ATen/|c10/|caffe2/)'

check() { # dir pattern description [exclude-dir]
  local dir="$1" pattern="$2" what="$3" exclude="${4:-}"
  [ -d "$root/$dir" ] || return 0
  local args=(-rEn --include='*.h' --include='*.hpp' --include='*.cpp' --include='*.cxx' --include='*.c')
  [ -n "$exclude" ] && args+=(--exclude-dir="$exclude")
  local hits
  hits=$(grep "${args[@]}" "$pattern" "$root/$dir" 2>/dev/null)
  if [ -n "$hits" ]; then
    while IFS= read -r line; do echo "layering violation ($dir must not include $what): ${line#$root/}"; done <<<"$hits"
    fail=1
  fi
}
up='#[[:space:]]*include[[:space:]]*"'
check core "$qt" "Qt"
check core "$vtk" "VTK"
check core "$torch" "LibTorch" torch
check core "${up}(render|ui|app)/" "render/ui/app"
check render "$qt" "Qt"
check render "${up}(ui|app)/" "ui/app"
check ui "${up}app/" "app"
exit $fail
