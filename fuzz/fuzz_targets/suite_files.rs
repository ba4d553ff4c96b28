//! Fuzz target `suite_files`: the bytes go to the shared harness, which the
//! stable replay test (`tests/fuzz_corpus.rs`) runs on the committed corpus.
#![no_main]

#[path = "../../tests/common/fuzz_harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::suite_files(data));
