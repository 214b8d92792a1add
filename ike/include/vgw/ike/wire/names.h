// Names of IKEv2 protocol numbers for logs, errors and `show` output. Each family is one
// table in src/wire/names.cc (value, name), so adding a registry entry is one line. Names
// follow the IANA registries without their prefixes ("AES_GCM_16", "HMAC_SHA2_256_128",
// "MODP_2048", "NAT_DETECTION_SOURCE_IP"); a value not in the table prints as its number
// ("ENCR 99", "notify 40000").
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "vgw/ike/wire/constants.h"

namespace vgw::ike::wire {

// "IKE_SA_INIT", "IKE_AUTH", ... or "exchange 99".
std::string exchange_type_name(ExchangeType type);
// RFC 7296 notation: "SA", "KE", "IDi", "IDr", "CERT", "CERTREQ", "AUTH", "Nonce", "N", "D",
// "V", "TSi", "TSr", "SK", "CP", "EAP", "SKF", or "payload 99".
std::string payload_type_name(PayloadType type);
// "IKE", "AH", "ESP", or "protocol 9".
std::string protocol_id_name(ProtocolId id);
// "ENCR", "PRF", "INTEG", "DH", "ESN", or "transform type 9".
std::string transform_type_name(TransformType type);
// The transform ID within its type: "AES_CBC", "PRF_HMAC_SHA2_256", "HMAC_SHA2_256_128",
// "MODP_2048", "ECP_256", "CURVE25519", "NO_ESN", ...; "ENCR 99" when unknown.
std::string transform_id_name(TransformType type, uint16_t id);
// "ID_IPV4_ADDR", "ID_FQDN", ... or "ID type 99".
std::string id_type_name(IdType type);
// "X509_SIGNATURE", ... or "cert encoding 99".
std::string cert_encoding_name(CertEncoding encoding);
// "SHARED_KEY_MIC", "DIGITAL_SIGNATURE", ... or "auth method 99".
std::string auth_method_name(AuthMethod method);
// "INVALID_SYNTAX", "NAT_DETECTION_SOURCE_IP", ... or "notify 40000".
std::string notify_type_name(NotifyType type);
// "TS_IPV4_ADDR_RANGE", "TS_IPV6_ADDR_RANGE", or "TS type 9".
std::string ts_type_name(TsType type);
// "CFG_REQUEST", "CFG_REPLY", "CFG_SET", "CFG_ACK", or "CFG type 9".
std::string cfg_type_name(CfgType type);
// "INTERNAL_IP4_ADDRESS", ... or "attribute 99".
std::string cfg_attribute_name(uint16_t type);

// The known values of a family, for completion and tests.
struct NamedValue {
  uint16_t value;
  const char* name;
};
std::span<const NamedValue> transform_ids(TransformType type);
std::span<const NamedValue> notify_types();

}  // namespace vgw::ike::wire
