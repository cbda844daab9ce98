// A flat byte buffer for the states that processes exchange (a distributed run: see
// engine/partition.hpp). Writer and Reader move trivially copyable values and vectors of them;
// every processes runs the same binary, so there is no versioning: a type that gains a field
// writes it in its serialize() and reads it in its deserialize(), next to its merge().
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace cogsim::engine {

class Writer {
 public:
  template <typename T>
  void put(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    append(&v, sizeof(T));
  }
  template <typename T>
  void put_vector(const std::vector<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    put<std::uint64_t>(v.size());
    append(v.data(), v.size() * sizeof(T));
  }
  void put_string(const std::string& s) {
    put<std::uint64_t>(s.size());
    append(s.data(), s.size());
  }
  std::vector<char>& bytes() { return buf_; }

 private:
  void append(const void* p, std::size_t n) {
    if (n == 0) return;
    const std::size_t at = buf_.size();
    buf_.resize(at + n);
    std::memcpy(buf_.data() + at, p, n);
  }
  std::vector<char> buf_;
};

class Reader {
 public:
  Reader(const char* data, std::size_t size) : p_(data), end_(data + size) {}
  template <typename T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T v;
    std::memcpy(&v, take(sizeof(T)), sizeof(T));
    return v;
  }
  template <typename T>
  std::vector<T> get_vector() {
    const auto n = get<std::uint64_t>();
    if (n > std::size_t(end_ - p_) / sizeof(T)) throw std::runtime_error("Reader: truncated state");
    std::vector<T> v(n);
    if (n) std::memcpy(v.data(), take(n * sizeof(T)), n * sizeof(T));
    return v;
  }
  std::string get_string() {
    const auto n = get<std::uint64_t>();
    const char* s = take(n);
    return std::string(s, n);
  }
  bool done() const { return p_ == end_; }

 private:
  const char* take(std::size_t n) {
    if (n > std::size_t(end_ - p_)) throw std::runtime_error("Reader: truncated state");
    const char* s = p_;
    p_ += n;
    return s;
  }
  const char* p_;
  const char* end_;
};

}  // namespace cogsim::engine
