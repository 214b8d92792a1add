# ike_crypto_test: prf/prf+, DH groups, key schedule, SK payload cipher, PSK AUTH, suites.
vgw_unit_test(ike_crypto_test
  SOURCES
    crypto_auth_test.cc
    crypto_dh_test.cc
    crypto_key_schedule_test.cc
    crypto_prf_test.cc
    crypto_sk_cipher_test.cc
    crypto_suite_test.cc
  DEPS vgw::ike_crypto)
