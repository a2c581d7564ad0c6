#!/usr/bin/env bash
# macOS and iOS, on a Mac with Xcode (xcodebuild, lipo, install_name_tool):
#   macOS  libcognito_native.dylib: universal (arm64 + x86_64), install name
#          @rpath/libcognito_native.dylib -> Plugins/macOS (Unity Editor and players)
#   iOS    libcognito_native.a: static, arm64 device -> Plugins/iOS (Unity links it into the app;
#          the C# side imports from "__Internal" on iOS)
#          CognitoNative.xcframework: device arm64 + simulator (arm64, x86_64) static libraries with
#          include/cognito_native.h, for Xcode, Xamarin.iOS and .NET for iOS (NativeReference)
#   scripts/platforms/apple.sh            both
#   scripts/platforms/apple.sh macos|ios  one of them
# Needs: rustup, Xcode command line tools. Minimum versions: macOS 10.12, iOS 10 (Rust's
# defaults; set MACOSX_DEPLOYMENT_TARGET / IPHONEOS_DEPLOYMENT_TARGET to change them).
# Link iOS apps with Security.framework and CoreFoundation.framework (the .meta does it for Unity).
set -euo pipefail
# shellcheck source=scripts/platforms/common.sh
. "$(dirname "$0")/common.sh"
cd "$repo"

[ "$(uname -s)" = Darwin ] || die "apple.sh runs on macOS with Xcode (here: $(uname -s))"
for tool in xcodebuild lipo install_name_tool; do
  command -v "$tool" >/dev/null || die "no $tool: install Xcode and its command line tools"
done
what="${1:-all}"
case "$what" in all | macos | ios) ;; *) die "unknown argument $what (macos, ios)" ;; esac
out="$repo/target/apple"
mkdir -p "$out"

build() { # TRIPLE
  add_target "$1"
  cargo "${CARGO_LIB_ARGS[@]}" --target "$1"
}

if [ "$what" = all ] || [ "$what" = macos ]; then
  build aarch64-apple-darwin
  build x86_64-apple-darwin
  lipo -create -output "$out/libcognito_native.dylib" \
    target/aarch64-apple-darwin/release/libcognito_native.dylib \
    target/x86_64-apple-darwin/release/libcognito_native.dylib
  install_name_tool -id @rpath/libcognito_native.dylib "$out/libcognito_native.dylib"
  lipo -info "$out/libcognito_native.dylib" >&2
  place "$out/libcognito_native.dylib" macOS/libcognito_native.dylib
fi

if [ "$what" = all ] || [ "$what" = ios ]; then
  build aarch64-apple-ios
  build aarch64-apple-ios-sim
  build x86_64-apple-ios
  mkdir -p "$out/ios-device" "$out/ios-simulator" "$out/headers"
  cp target/aarch64-apple-ios/release/libcognito_native.a "$out/ios-device/"
  lipo -create -output "$out/ios-simulator/libcognito_native.a" \
    target/aarch64-apple-ios-sim/release/libcognito_native.a \
    target/x86_64-apple-ios/release/libcognito_native.a
  cp include/cognito_native.h "$out/headers/"
  rm -rf "$out/CognitoNative.xcframework"
  xcodebuild -create-xcframework \
    -library "$out/ios-device/libcognito_native.a" -headers "$out/headers" \
    -library "$out/ios-simulator/libcognito_native.a" -headers "$out/headers" \
    -output "$out/CognitoNative.xcframework"
  place "$out/ios-device/libcognito_native.a" iOS/libcognito_native.a
  log "apple: target/apple/CognitoNative.xcframework (device + simulator) for Xcode / Xamarin / .NET"
fi
