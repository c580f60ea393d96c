#[tokio::test]
async fn the_binary_stops_cleanly_on_sigterm() {
    test_support::process::assert_stops_on_sigterm(env!("CARGO_BIN_EXE_scheduler")).await;
}
