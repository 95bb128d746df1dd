#!/bin/sh
# Installe Pas à pas depuis cette clé USB, sans réseau : sudo sh installer.sh
# apt ne regarde que le dossier « paquets » de la clé (les sources de l'ordinateur ne changent
# pas) et n'y prend que ce qui manque. Ensuite : sudo pasapas-kiosk-setup (voir LISEZ-MOI.txt).
set -eu
if [ "$(id -u)" != 0 ]; then
  echo "Lancez ce programme en administrateur : sudo sh installer.sh" >&2
  exit 1
fi
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "deb [trusted=yes] file:$here/paquets ./" > "$work/sources.list"
mkdir -p "$work/lists/partial"
set -- -o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=-" \
       -o "Dir::State::Lists=$work/lists" -o "APT::Get::List-Cleanup=0"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get "$@" update -q >"$work/update.log" 2>&1; then
  echo "Les paquets de la clé n'ont pas pu être lus : la clé est-elle complète ?" >&2
  tail -3 "$work/update.log" >&2
  exit 1
fi
apt-get "$@" install -y -q --no-install-recommends pasapas cage xwayland
echo
echo "Pas à pas est installé. Pour en faire une borne verrouillée : sudo pasapas-kiosk-setup"
