// Bounds-checked big-endian byte reader and writer: the only way codecs touch wire bytes.
//
// ByteReader never reads past its span: every getter reports failure instead (and the
// reader stays where it was), so a parser turns short input into a protocol error rather
// than undefined behaviour. ByteWriter appends to a vector and can patch length fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace vgw {

class ByteReader {
 public:
  ByteReader() = default;
  explicit ByteReader(std::span<const uint8_t> data) : data_(data) {}

  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  bool empty() const { return remaining() == 0; }
  // The unread part, without consuming it.
  std::span<const uint8_t> rest() const { return data_.subspan(pos_); }

  std::optional<uint8_t> u8() {
    if (remaining() < 1) return std::nullopt;
    return data_[pos_++];
  }
  std::optional<uint16_t> u16() {
    if (remaining() < 2) return std::nullopt;
    uint16_t v = static_cast<uint16_t>(data_[pos_] << 8 | data_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  std::optional<uint32_t> u32() {
    if (remaining() < 4) return std::nullopt;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = v << 8 | data_[pos_ + i];
    pos_ += 4;
    return v;
  }
  std::optional<uint64_t> u64() {
    if (remaining() < 8) return std::nullopt;
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | data_[pos_ + i];
    pos_ += 8;
    return v;
  }
  // Consumes n bytes and returns them as a span into the original buffer.
  std::optional<std::span<const uint8_t>> bytes(size_t n) {
    if (remaining() < n) return std::nullopt;
    auto s = data_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  // Consumes n bytes and returns a reader limited to them (for nested length-prefixed data).
  std::optional<ByteReader> sub(size_t n) {
    auto b = bytes(n);
    if (!b) return std::nullopt;
    return ByteReader(*b);
  }
  bool skip(size_t n) {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }

 private:
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
};

class ByteWriter {
 public:
  ByteWriter() = default;
  explicit ByteWriter(std::vector<uint8_t>& out) : out_(&out) {}

  size_t size() const { return buf().size(); }
  void u8(uint8_t v) { buf().push_back(v); }
  void u16(uint16_t v) {
    u8(static_cast<uint8_t>(v >> 8));
    u8(static_cast<uint8_t>(v));
  }
  void u32(uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) u8(static_cast<uint8_t>(v >> s));
  }
  void u64(uint64_t v) {
    for (int s = 56; s >= 0; s -= 8) u8(static_cast<uint8_t>(v >> s));
  }
  void bytes(std::span<const uint8_t> b) { buf().insert(buf().end(), b.begin(), b.end()); }
  void bytes(std::string_view s) { buf().insert(buf().end(), s.begin(), s.end()); }
  void zeros(size_t n) { buf().insert(buf().end(), n, 0); }
  // Overwrites an already-written 16-bit field at offset (length fields written last).
  void patch_u16(size_t offset, uint16_t v) {
    buf()[offset] = static_cast<uint8_t>(v >> 8);
    buf()[offset + 1] = static_cast<uint8_t>(v);
  }
  void patch_u8(size_t offset, uint8_t v) { buf()[offset] = v; }

  std::vector<uint8_t>& data() { return buf(); }
  std::vector<uint8_t> take() { return std::move(buf()); }

 private:
  std::vector<uint8_t>& buf() { return out_ ? *out_ : own_; }
  const std::vector<uint8_t>& buf() const { return out_ ? *out_ : own_; }
  std::vector<uint8_t> own_;
  std::vector<uint8_t>* out_ = nullptr;
};

}  // namespace vgw
