#!/usr/bin/env bash
# release.sh builds a release of kubectl-audit: static binaries
# (CGO_ENABLED=0) for linux, darwin and windows on amd64 and arm64 with the
# version stamped in (--version prints it), one archive per platform
# (tar.gz; zip for windows) holding the binary and LICENSE, a SHA256SUMS
# file of the archives, and the krew manifest deploy/krew/audit.yaml with
# its URLs and checksums filled in.
#
# Usage: scripts/release.sh VERSION
#
#   VERSION         the release's version, such as v0.3.0 (the git tag)
#   OUT             the directory to write to (default dist/)
#   PLATFORMS       os/arch pairs to build, space-separated (default: all six)
#   BINARIES_ONLY   when 1, build the binaries only: no archives, sums or manifest
#   RELEASE_URL     where the archives will be downloaded from (default: the
#                   GitHub release of VERSION)
#
# The binary of PLATFORM is OUT/kubectl-audit_VERSION_OS_ARCH/kubectl-audit
# (kubectl-audit.exe on windows).
set -euo pipefail

version=${1:?usage: scripts/release.sh VERSION (such as v0.3.0)}
case $version in
*[!A-Za-z0-9._+-]*) echo "release.sh: version $version: only letters, digits and ._+- please" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$root/dist}
platforms=${PLATFORMS:-"linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"}
url=${RELEASE_URL:-https://github.com/auditlens/auditlens/releases/download/$version}
mkdir -p "$out"
out=$(cd "$out" && pwd)

cd "$root"
for platform in $platforms; do
	os=${platform%/*}
	arch=${platform#*/}
	dir=$out/kubectl-audit_${version}_${os}_${arch}
	exe=kubectl-audit
	[ "$os" = windows ] && exe=kubectl-audit.exe
	mkdir -p "$dir"
	CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath \
		-ldflags "-s -w -X main.stampedVersion=$version" \
		-o "$dir/$exe" ./examples/kubectl-audit
	[ "${BINARIES_ONLY:-}" = 1 ] && continue
	cp LICENSE "$dir/"
	if [ "$os" = windows ]; then
		(cd "$dir" && rm -f "../$(basename "$dir").zip" && zip -q -X "../$(basename "$dir").zip" "$exe" LICENSE)
	else
		tar -C "$dir" --owner=0 --group=0 --numeric-owner -czf "$dir.tar.gz" "$exe" LICENSE
	fi
done
[ "${BINARIES_ONLY:-}" = 1 ] && exit 0

cd "$out"
sha256sum kubectl-audit_"${version}"_*.tar.gz kubectl-audit_"${version}"_*.zip 2>/dev/null >SHA256SUMS || true
# The template's comments say how it is filled in: not for the release.
manifest=$(sed '/^#/d' "$root/deploy/krew/audit.yaml")
manifest=${manifest//@VERSION@/$version}
manifest=${manifest//@URL@/$url}
for platform in linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64; do
	os=${platform%/*}
	arch=${platform#*/}
	ext=tar.gz
	[ "$os" = windows ] && ext=zip
	sum=$(awk -v f="kubectl-audit_${version}_${os}_${arch}.$ext" '$2 == f { print $1 }' SHA256SUMS)
	manifest=${manifest//@SHA256_${os}_${arch}@/${sum:-not-built}}
done
printf '%s\n' "$manifest" >audit.yaml
echo "release $version in $out: $(wc -l <SHA256SUMS) archives, SHA256SUMS, audit.yaml (krew)"
