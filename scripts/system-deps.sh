#!/usr/bin/env bash
# Debian packages Qingling needs, installed only when missing. Arguments name what is needed:
#   fonts     fonts-noto-cjk: the CJK fonts embedded in the notices (PDF)
#   postgres  postgresql: the server the test suite starts a throwaway cluster from
#   browser   chromium: the headless browser the console's tests drive (Playwright, the system browser)
# python3-venv is added when this Python cannot create a virtualenv (bare Debian python).
set -euo pipefail
need=()
for what in "$@"; do
  case "$what" in
    fonts)
      command -v fc-list >/dev/null 2>&1 || need+=(fontconfig)
      fc-list :lang=zh 2>/dev/null | grep -qi "noto serif cjk" || need+=(fonts-noto-cjk)
      ;;
    postgres)
      ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
      ;;
    browser)
      command -v chromium >/dev/null 2>&1 || need+=(chromium)
      ;;
    *) echo "system-deps.sh: unknown need '$what'" >&2; exit 2 ;;
  esac
done
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || need+=(python3-venv)
if ((${#need[@]})); then
  echo "installing Debian packages: ${need[*]}"
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
