# ike_crypto: prf/prf+, the IKEv2 key schedule, Diffie-Hellman groups, SK payload protection,
# PSK AUTH and cipher suites over OpenSSL 3 (ike/include/vgw/ike/crypto/crypto.h tells the flow).
# Depends on base and libcrypto only: never on esp (DESIGN.md) nor on the wire codec.
vgw_module(ike_crypto
  SOURCES
    src/crypto/auth.cc
    src/crypto/dh.cc
    src/crypto/key_schedule.cc
    src/crypto/prf.cc
    src/crypto/random.cc
    src/crypto/secret.cc
    src/crypto/sk_cipher.cc
    src/crypto/suite.cc
    src/crypto/transform_id.cc
  DEPS vgw::base OpenSSL::Crypto)
