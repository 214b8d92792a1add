#include "vgw/routing/api/dispatcher.h"

#include <google/protobuf/descriptor.h>

#include <gtest/gtest.h>

namespace vgw::routing::api {
namespace {

TEST(Dispatcher, EveryApiMethodHasAHandler) {
  Dispatcher d;
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  int methods = 0;
  for (const char* file : {"vgw/v1/system.proto", "vgw/v1/vpn.proto", "vgw/v1/rib.proto", "vgw/v1/bgp.proto", "vgw/v1/tunnel.proto", "vgw/v1/ike.proto", "vgw/v1/bfd.proto"}) {
    const auto* fd = pool->FindFileByName(file);
    ASSERT_NE(fd, nullptr) << file;
    for (int s = 0; s < fd->service_count(); ++s) {
      const auto* svc = fd->service(s);
      for (int m = 0; m < svc->method_count(); ++m) {
        std::string path = "/" + svc->full_name() + "/" + svc->method(m)->name();
        EXPECT_NE(d.find(path), nullptr) << "no handler for " << path;
        ++methods;
      }
    }
  }
  EXPECT_EQ(static_cast<size_t>(methods), d.paths().size());
}

TEST(Dispatcher, RejectsUnknownMethodsAndGarbage) {
  Dispatcher d;
  Gateway gw({""});
  auto r = d.handle_bytes(gw, "/vgw.v1.VpnService/Nope", "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnimplemented);
  r = d.handle_bytes(gw, "/vgw.v1.VpnService/CreateCustomerGateway", "\xff\xff\xff");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST(Dispatcher, ServesWireBytes) {
  Dispatcher d;
  Gateway gw({""});
  v1::CreateCustomerGatewayRequest req;
  req.set_name("hq");
  req.set_ip_address("192.0.2.1");
  req.set_asn("65001");
  auto r = d.handle_bytes(gw, "/vgw.v1.VpnService/CreateCustomerGateway", req.SerializeAsString());
  ASSERT_TRUE(r.ok()) << r.error().message;
  v1::CustomerGateway out;
  ASSERT_TRUE(out.ParseFromString(*r));
  EXPECT_EQ(out.asn(), 65001u);
}

}  // namespace
}  // namespace vgw::routing::api
