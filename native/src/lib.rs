//! The shipped native library: the C ABI of `cognito-native` (`include/cognito_native.h`), all of
//! which lives in the `cognito-native` crate (`src/ffi`). A cdylib or a staticlib exports the
//! `#[no_mangle]` C functions of the crates it links; naming the crate here is what links it.
extern crate engine;
