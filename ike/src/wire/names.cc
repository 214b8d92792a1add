// Names of IKEv2 protocol numbers (names.h): one table per IANA IKEv2 registry, looked up
// linearly (the tables are short and only logs and `show` read them).
#include "vgw/ike/wire/names.h"


namespace vgw::ike::wire {
namespace {

template <size_t N>
const char* find(const NamedValue (&table)[N], uint16_t value) {
  for (const auto& e : table)
    if (e.value == value) return e.name;
  return nullptr;
}

template <size_t N>
std::string name_or(const NamedValue (&table)[N], uint16_t value, const char* what) {
  if (const char* n = find(table, value)) return n;
  return std::string(what) + " " + std::to_string(value);
}

// RFC 7296 3.1, RFC 9242.
constexpr NamedValue kExchangeTypes[] = {
    {34, "IKE_SA_INIT"},
    {35, "IKE_AUTH"},
    {36, "CREATE_CHILD_SA"},
    {37, "INFORMATIONAL"},
    {43, "IKE_INTERMEDIATE"},
};

// RFC 7296 3.2 (RFC notation), RFC 7383.
constexpr NamedValue kPayloadTypes[] = {
    {0, "NONE"},   {33, "SA"},     {34, "KE"},   {35, "IDi"},      {36, "IDr"}, {37, "CERT"},
    {38, "CERTREQ"}, {39, "AUTH"}, {40, "Nonce"}, {41, "N"},       {42, "D"},   {43, "V"},
    {44, "TSi"},   {45, "TSr"},    {46, "SK"},   {47, "CP"},       {48, "EAP"}, {53, "SKF"},
};

constexpr NamedValue kProtocolIds[] = {{1, "IKE"}, {2, "AH"}, {3, "ESP"}};

constexpr NamedValue kTransformTypes[] = {
    {1, "ENCR"}, {2, "PRF"}, {3, "INTEG"}, {4, "DH"}, {5, "ESN"},
};

// IANA "Transform Type 1 - Encryption Algorithm Transform IDs".
constexpr NamedValue kEncrIds[] = {
    {encr::k3des, "3DES"},
    {encr::kNull, "NULL"},
    {encr::kAesCbc, "AES_CBC"},
    {encr::kAesCtr, "AES_CTR"},
    {encr::kAesCcm16, "AES_CCM_16"},
    {encr::kAesGcm8, "AES_GCM_8"},
    {encr::kAesGcm12, "AES_GCM_12"},
    {encr::kAesGcm16, "AES_GCM_16"},
    {encr::kNullAuthAesGmac, "NULL_AUTH_AES_GMAC"},
    {encr::kChacha20Poly1305, "CHACHA20_POLY1305"},
};

// IANA "Transform Type 2 - Pseudorandom Function Transform IDs".
constexpr NamedValue kPrfIds[] = {
    {prf::kHmacMd5, "PRF_HMAC_MD5"},
    {prf::kHmacSha1, "PRF_HMAC_SHA1"},
    {prf::kAes128Xcbc, "PRF_AES128_XCBC"},
    {prf::kHmacSha2_256, "PRF_HMAC_SHA2_256"},
    {prf::kHmacSha2_384, "PRF_HMAC_SHA2_384"},
    {prf::kHmacSha2_512, "PRF_HMAC_SHA2_512"},
    {prf::kAes128Cmac, "PRF_AES128_CMAC"},
};

// IANA "Transform Type 3 - Integrity Algorithm Transform IDs".
constexpr NamedValue kIntegIds[] = {
    {integ::kNone, "NONE"},
    {integ::kHmacMd5_96, "HMAC_MD5_96"},
    {integ::kHmacSha1_96, "HMAC_SHA1_96"},
    {integ::kAesXcbc96, "AES_XCBC_96"},
    {integ::kAesCmac96, "AES_CMAC_96"},
    {integ::kHmacSha2_256_128, "HMAC_SHA2_256_128"},
    {integ::kHmacSha2_384_192, "HMAC_SHA2_384_192"},
    {integ::kHmacSha2_512_256, "HMAC_SHA2_512_256"},
};

// IANA "Transform Type 4 - Key Exchange Method Transform IDs".
constexpr NamedValue kDhIds[] = {
    {dh::kNone, "NONE"},
    {dh::kModp1024, "MODP_1024"},
    {dh::kModp1536, "MODP_1536"},
    {dh::kModp2048, "MODP_2048"},
    {dh::kModp3072, "MODP_3072"},
    {dh::kModp4096, "MODP_4096"},
    {dh::kModp6144, "MODP_6144"},
    {dh::kModp8192, "MODP_8192"},
    {dh::kEcp256, "ECP_256"},
    {dh::kEcp384, "ECP_384"},
    {dh::kEcp521, "ECP_521"},
    {dh::kCurve25519, "CURVE25519"},
    {dh::kCurve448, "CURVE448"},
};

// IANA "Transform Type 5 - Extended Sequence Numbers Transform IDs".
constexpr NamedValue kEsnIds[] = {{esn::kNo, "NO_ESN"}, {esn::kYes, "ESN"}};

constexpr NamedValue kIdTypes[] = {
    {1, "ID_IPV4_ADDR"}, {2, "ID_FQDN"},      {3, "ID_RFC822_ADDR"}, {5, "ID_IPV6_ADDR"},
    {9, "ID_DER_ASN1_DN"}, {10, "ID_DER_ASN1_GN"}, {11, "ID_KEY_ID"},
};

constexpr NamedValue kCertEncodings[] = {
    {1, "PKCS7_WRAPPED_X509"},
    {4, "X509_SIGNATURE"},
    {7, "CRL"},
    {12, "HASH_URL_X509_CERT"},
    {13, "HASH_URL_X509_BUNDLE"},
    {15, "RAW_PUBLIC_KEY"},
};

constexpr NamedValue kAuthMethods[] = {
    {1, "RSA_SIG"},
    {2, "SHARED_KEY_MIC"},
    {3, "DSS_SIG"},
    {9, "ECDSA_SHA256_P256"},
    {10, "ECDSA_SHA384_P384"},
    {11, "ECDSA_SHA512_P521"},
    {12, "GENERIC_SECURE_PASSWORD"},
    {13, "NULL_AUTH"},
    {14, "DIGITAL_SIGNATURE"},
};

// RFC 7296 3.10.1 and the IANA "IKEv2 Notify Message Types" registry.
constexpr NamedValue kNotifyTypes[] = {
    {1, "UNSUPPORTED_CRITICAL_PAYLOAD"},
    {4, "INVALID_IKE_SPI"},
    {5, "INVALID_MAJOR_VERSION"},
    {7, "INVALID_SYNTAX"},
    {9, "INVALID_MESSAGE_ID"},
    {11, "INVALID_SPI"},
    {14, "NO_PROPOSAL_CHOSEN"},
    {17, "INVALID_KE_PAYLOAD"},
    {24, "AUTHENTICATION_FAILED"},
    {34, "SINGLE_PAIR_REQUIRED"},
    {35, "NO_ADDITIONAL_SAS"},
    {36, "INTERNAL_ADDRESS_FAILURE"},
    {37, "FAILED_CP_REQUIRED"},
    {38, "TS_UNACCEPTABLE"},
    {39, "INVALID_SELECTORS"},
    {40, "UNACCEPTABLE_ADDRESSES"},
    {41, "UNEXPECTED_NAT_DETECTED"},
    {42, "USE_ASSIGNED_HoA"},
    {43, "TEMPORARY_FAILURE"},
    {44, "CHILD_SA_NOT_FOUND"},
    {16384, "INITIAL_CONTACT"},
    {16385, "SET_WINDOW_SIZE"},
    {16386, "ADDITIONAL_TS_POSSIBLE"},
    {16387, "IPCOMP_SUPPORTED"},
    {16388, "NAT_DETECTION_SOURCE_IP"},
    {16389, "NAT_DETECTION_DESTINATION_IP"},
    {16390, "COOKIE"},
    {16391, "USE_TRANSPORT_MODE"},
    {16392, "HTTP_CERT_LOOKUP_SUPPORTED"},
    {16393, "REKEY_SA"},
    {16394, "ESP_TFC_PADDING_NOT_SUPPORTED"},
    {16395, "NON_FIRST_FRAGMENTS_ALSO"},
    {16396, "MOBIKE_SUPPORTED"},
    {16397, "ADDITIONAL_IP4_ADDRESS"},
    {16398, "ADDITIONAL_IP6_ADDRESS"},
    {16399, "NO_ADDITIONAL_ADDRESSES"},
    {16400, "UPDATE_SA_ADDRESSES"},
    {16401, "COOKIE2"},
    {16402, "NO_NATS_ALLOWED"},
    {16403, "AUTH_LIFETIME"},
    {16404, "MULTIPLE_AUTH_SUPPORTED"},
    {16405, "ANOTHER_AUTH_FOLLOWS"},
    {16406, "REDIRECT_SUPPORTED"},
    {16407, "REDIRECT"},
    {16408, "REDIRECTED_FROM"},
    {16417, "EAP_ONLY_AUTHENTICATION"},
    {16418, "CHILDLESS_IKEV2_SUPPORTED"},
    {16419, "QUICK_CRASH_DETECTION"},
    {16420, "IKEV2_MESSAGE_ID_SYNC_SUPPORTED"},
    {16430, "IKEV2_FRAGMENTATION_SUPPORTED"},
    {16431, "SIGNATURE_HASH_ALGORITHMS"},
    {16435, "USE_PPK"},
    {16438, "INTERMEDIATE_EXCHANGE_SUPPORTED"},
    {16442, "USE_AGGFRAG"},
};

constexpr NamedValue kTsTypes[] = {{7, "TS_IPV4_ADDR_RANGE"}, {8, "TS_IPV6_ADDR_RANGE"}};

constexpr NamedValue kCfgTypes[] = {
    {1, "CFG_REQUEST"}, {2, "CFG_REPLY"}, {3, "CFG_SET"}, {4, "CFG_ACK"},
};

constexpr NamedValue kCfgAttributes[] = {
    {cfg_attr::kInternalIp4Address, "INTERNAL_IP4_ADDRESS"},
    {cfg_attr::kInternalIp4Netmask, "INTERNAL_IP4_NETMASK"},
    {cfg_attr::kInternalIp4Dns, "INTERNAL_IP4_DNS"},
    {cfg_attr::kInternalIp4Nbns, "INTERNAL_IP4_NBNS"},
    {cfg_attr::kInternalIp4Dhcp, "INTERNAL_IP4_DHCP"},
    {cfg_attr::kApplicationVersion, "APPLICATION_VERSION"},
    {cfg_attr::kInternalIp6Address, "INTERNAL_IP6_ADDRESS"},
    {cfg_attr::kInternalIp6Dns, "INTERNAL_IP6_DNS"},
    {cfg_attr::kInternalIp6Dhcp, "INTERNAL_IP6_DHCP"},
    {cfg_attr::kInternalIp4Subnet, "INTERNAL_IP4_SUBNET"},
    {cfg_attr::kSupportedAttributes, "SUPPORTED_ATTRIBUTES"},
    {cfg_attr::kInternalIp6Subnet, "INTERNAL_IP6_SUBNET"},
};

template <typename E>
uint16_t raw(E e) {
  return static_cast<uint16_t>(e);
}

}  // namespace

std::string exchange_type_name(ExchangeType type) {
  return name_or(kExchangeTypes, raw(type), "exchange");
}
std::string payload_type_name(PayloadType type) {
  return name_or(kPayloadTypes, raw(type), "payload");
}
std::string protocol_id_name(ProtocolId id) { return name_or(kProtocolIds, raw(id), "protocol"); }
std::string transform_type_name(TransformType type) {
  return name_or(kTransformTypes, raw(type), "transform type");
}

std::span<const NamedValue> transform_ids(TransformType type) {
  switch (type) {
    case TransformType::kEncr: return kEncrIds;
    case TransformType::kPrf: return kPrfIds;
    case TransformType::kInteg: return kIntegIds;
    case TransformType::kDh: return kDhIds;
    case TransformType::kEsn: return kEsnIds;
  }
  return {};
}

std::string transform_id_name(TransformType type, uint16_t id) {
  for (const auto& e : transform_ids(type))
    if (e.value == id) return e.name;
  return transform_type_name(type) + " " + std::to_string(id);
}

std::string id_type_name(IdType type) { return name_or(kIdTypes, raw(type), "ID type"); }
std::string cert_encoding_name(CertEncoding encoding) {
  return name_or(kCertEncodings, raw(encoding), "cert encoding");
}
std::string auth_method_name(AuthMethod method) {
  return name_or(kAuthMethods, raw(method), "auth method");
}
std::string notify_type_name(NotifyType type) {
  return name_or(kNotifyTypes, raw(type), "notify");
}
std::span<const NamedValue> notify_types() { return kNotifyTypes; }
std::string ts_type_name(TsType type) { return name_or(kTsTypes, raw(type), "TS type"); }
std::string cfg_type_name(CfgType type) { return name_or(kCfgTypes, raw(type), "CFG type"); }
std::string cfg_attribute_name(uint16_t type) {
  return name_or(kCfgAttributes, type, "attribute");
}

}  // namespace vgw::ike::wire
