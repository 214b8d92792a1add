// The benchmark's ceiling: TUN <-> UDP forwarding with the dataplane's own building blocks
// (TunDevice, UdpEncapSockets) and the same batching (read x64 -> sendmmsg, recvmmsg -> write),
// but no ESP at all. One thread. Runs until stdin says "quit" or closes.
#pragma once

#include <map>
#include <string>

// pairs: local=IP remote=IP inside=A/L [port=4500] [mtu=1438] [batch=64]
int run_plain_forwarder(const std::map<std::string, std::string>& pairs);
