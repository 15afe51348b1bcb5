#!/usr/bin/env bash
# Debian packages Qingling needs, installed only when missing:
#   fonts-noto-cjk  CJK fonts embedded in the notices (PDF)
#   postgresql      the server the test suite starts a throwaway cluster from
#   python3-venv    to create .venv on a bare Debian python
set -euo pipefail
need=()
fc-list :lang=zh 2>/dev/null | grep -qi "noto serif cjk" || need+=(fonts-noto-cjk)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v fc-list >/dev/null 2>&1 || need+=(fontconfig)
if ((${#need[@]})); then
  echo "installing Debian packages: ${need[*]}"
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
