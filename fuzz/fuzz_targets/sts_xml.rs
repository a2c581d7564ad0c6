#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cognito_native_fuzz::sts_xml(data));
