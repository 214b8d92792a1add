// Names of BGP protocol numbers for logs, errors and the CLI (constants.h, error.h).
#include <string>

#include "vgw/bgp/wire/constants.h"
#include "vgw/bgp/wire/error.h"

namespace vgw::bgp::wire {

const char* message_type_name(MessageType type) {
  switch (type) {
    case MessageType::kOpen: return "OPEN";
    case MessageType::kUpdate: return "UPDATE";
    case MessageType::kNotification: return "NOTIFICATION";
    case MessageType::kKeepalive: return "KEEPALIVE";
    case MessageType::kRouteRefresh: return "ROUTE-REFRESH";
  }
  return "unknown message type";
}

std::string attribute_name(uint8_t type) {
  switch (type) {
    case attr::kOrigin: return "ORIGIN";
    case attr::kAsPath: return "AS_PATH";
    case attr::kNextHop: return "NEXT_HOP";
    case attr::kMultiExitDisc: return "MULTI_EXIT_DISC";
    case attr::kLocalPref: return "LOCAL_PREF";
    case attr::kAtomicAggregate: return "ATOMIC_AGGREGATE";
    case attr::kAggregator: return "AGGREGATOR";
    case attr::kCommunities: return "COMMUNITIES";
    case attr::kOriginatorId: return "ORIGINATOR_ID";
    case attr::kClusterList: return "CLUSTER_LIST";
    case attr::kMpReachNlri: return "MP_REACH_NLRI";
    case attr::kMpUnreachNlri: return "MP_UNREACH_NLRI";
    case attr::kExtendedCommunities: return "EXTENDED_COMMUNITIES";
    case attr::kAs4Path: return "AS4_PATH";
    case attr::kAs4Aggregator: return "AS4_AGGREGATOR";
    case attr::kLargeCommunities: return "LARGE_COMMUNITY";
    default: return "attribute " + std::to_string(type);
  }
}

std::string capability_name(uint8_t code) {
  switch (code) {
    case cap::kMultiprotocol: return "multiprotocol";
    case cap::kRouteRefresh: return "route-refresh";
    case cap::kOutboundRouteFiltering: return "outbound-route-filtering";
    case cap::kExtendedNextHop: return "extended-next-hop";
    case cap::kExtendedMessage: return "extended-message";
    case cap::kBgpRole: return "bgp-role";
    case cap::kGracefulRestart: return "graceful-restart";
    case cap::kFourOctetAs: return "four-octet-as";
    case cap::kDynamic: return "dynamic";
    case cap::kMultisession: return "multisession";
    case cap::kAddPath: return "add-path";
    case cap::kEnhancedRouteRefresh: return "enhanced-route-refresh";
    case cap::kLongLivedGracefulRestart: return "long-lived-graceful-restart";
    case cap::kFqdn: return "fqdn";
    case cap::kSoftwareVersion: return "software-version";
    case cap::kPathsLimit: return "paths-limit";
    case cap::kRouteRefreshCisco: return "route-refresh-cisco";
    default: return "capability " + std::to_string(code);
  }
}

std::string afi_safi_name(AfiSafi f) {
  if (f == kIpv4Unicast) return "ipv4-unicast";
  if (f == kIpv6Unicast) return "ipv6-unicast";
  if (f == AfiSafi{Afi::kIpv4, Safi::kMulticast}) return "ipv4-multicast";
  if (f == AfiSafi{Afi::kIpv6, Safi::kMulticast}) return "ipv6-multicast";
  return "afi " + std::to_string(static_cast<unsigned>(f.afi)) + " safi " +
         std::to_string(static_cast<unsigned>(f.safi));
}

namespace {

const char* code_name(uint8_t code) {
  switch (code) {
    case err::kMessageHeader: return "Message Header Error";
    case err::kOpenMessage: return "OPEN Message Error";
    case err::kUpdateMessage: return "UPDATE Message Error";
    case err::kHoldTimerExpired: return "Hold Timer Expired";
    case err::kFsm: return "Finite State Machine Error";
    case err::kCease: return "Cease";
    case err::kRouteRefreshMessage: return "ROUTE-REFRESH Message Error";
    default: return nullptr;
  }
}

const char* subcode_name(uint8_t code, uint8_t sub) {
  switch (code) {
    case err::kMessageHeader: {
      static const char* k[] = {nullptr, "Connection Not Synchronized", "Bad Message Length",
                                "Bad Message Type"};
      return sub < 4 ? k[sub] : nullptr;
    }
    case err::kOpenMessage: {
      static const char* k[] = {"Unspecific",
                                "Unsupported Version Number",
                                "Bad Peer AS",
                                "Bad BGP Identifier",
                                "Unsupported Optional Parameter",
                                nullptr,
                                "Unacceptable Hold Time",
                                "Unsupported Capability",
                                nullptr,
                                nullptr,
                                nullptr,
                                "Role Mismatch"};
      return sub < 12 ? k[sub] : nullptr;
    }
    case err::kUpdateMessage: {
      static const char* k[] = {"Unspecific",
                                "Malformed Attribute List",
                                "Unrecognized Well-known Attribute",
                                "Missing Well-known Attribute",
                                "Attribute Flags Error",
                                "Attribute Length Error",
                                "Invalid ORIGIN Attribute",
                                nullptr,
                                "Invalid NEXT_HOP Attribute",
                                "Optional Attribute Error",
                                "Invalid Network Field",
                                "Malformed AS_PATH"};
      return sub < 12 ? k[sub] : nullptr;
    }
    case err::kCease: {
      static const char* k[] = {nullptr,
                                "Maximum Number of Prefixes Reached",
                                "Administrative Shutdown",
                                "Peer De-configured",
                                "Administrative Reset",
                                "Connection Rejected",
                                "Other Configuration Change",
                                "Connection Collision Resolution",
                                "Out of Resources",
                                "Hard Reset",
                                "BFD Down"};
      return sub < 11 ? k[sub] : nullptr;
    }
    case err::kRouteRefreshMessage:
      return sub == err::kInvalidMessageLength ? "Invalid Message Length" : nullptr;
    default:
      return nullptr;
  }
}

}  // namespace

std::string error_name(uint8_t code, uint8_t subcode) {
  const char* c = code_name(code);
  std::string s = c ? c : "error code " + std::to_string(code);
  if (const char* sub = subcode_name(code, subcode)) return s + " / " + sub;
  if (subcode != 0) s += " / subcode " + std::to_string(subcode);
  return s;
}

const char* error_action_name(ErrorAction action) {
  switch (action) {
    case ErrorAction::kNone: return "none";
    case ErrorAction::kAttributeDiscard: return "attribute-discard";
    case ErrorAction::kTreatAsWithdraw: return "treat-as-withdraw";
    case ErrorAction::kAfiSafiDisable: return "afi-safi-disable";
    case ErrorAction::kSessionReset: return "session-reset";
  }
  return "unknown";
}

std::string to_string(const ParseError& e) {
  std::string s = std::string(error_action_name(e.action)) + ": " + error_name(e.code, e.subcode);
  if (e.action == ErrorAction::kAfiSafiDisable) s += " (" + afi_safi_name(e.afi_safi) + ")";
  if (!e.text.empty()) s += ": " + e.text;
  return s;
}

}  // namespace vgw::bgp::wire
