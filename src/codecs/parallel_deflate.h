#pragma once
// A zlib stream (RFC 1950) compressed on every core, as pigz does: the input is cut into blocks,
// each deflated on its own with the 32 KiB before it as its dictionary (so the ratio stays what
// one stream gives), ended on a byte boundary with a sync flush (so the outputs join into one
// stream), the last one finished; the blocks' Adler-32 checksums are joined with
// adler32_combine. Blocks are compressed a wave at a time, one per core, and handed on in order,
// so memory stays at cores x block size however long the input. The output is the same bytes
// whatever the number of cores: blocks are cut where the caller's appends fall, not per core.
//
//   ParallelDeflate deflate(6, Z_FILTERED, [&](auto bytes) { write_chunk("IDAT", bytes); }, {});
//   for (row : rows) filter_into(deflate.append(row_bytes));
//   deflate.finish();

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "tessera/error.h"

namespace tessera::codecs {

class ParallelDeflate {
 public:
  // Receives the compressed stream in order, a block's output at a time (the zlib header with
  // the first, the checksum with the last).
  using Sink = std::function<void(std::span<const std::uint8_t>)>;

  // `level` 0..9 and `strategy` as deflateInit2 takes them; `context` names the output in
  // errors. Blocks close at the first append that would take them past `block_bytes`.
  ParallelDeflate(int level, int strategy, Sink sink, ErrorContext context,
                  std::size_t block_bytes = 256 * 1024);
  ~ParallelDeflate();
  ParallelDeflate(const ParallelDeflate&) = delete;
  ParallelDeflate& operator=(const ParallelDeflate&) = delete;

  // What one holds outside tessera's accounting at most, on this machine's cores, when no
  // append is larger than `largest_append`: per core a block of input, its output and zlib's
  // state.
  static std::size_t working_bytes(std::size_t largest_append,
                                   std::size_t block_bytes = 256 * 1024);

  // Room for the next `size` bytes of input, which the caller fills before its next call.
  std::uint8_t* append(std::size_t size);
  // Compresses what is left and ends the stream. Throws Error(OutOfMemory) if zlib cannot get
  // its state, and whatever the sink throws.
  void finish();

 private:
  struct Block;
  void compress_wave(bool ends_stream);

  int level_;
  int strategy_;
  Sink sink_;
  ErrorContext context_;
  std::size_t block_bytes_;
  int wave_size_;                             // blocks compressed at once: the cores there are
  std::vector<std::unique_ptr<Block>> wave_;  // the blocks of the wave being filled
  int filled_ = 0;                            // wave_[0..filled_] hold input, the last one open
  std::vector<std::uint8_t> dictionary_;      // the last 32 KiB of input before wave_[0]
  std::uint32_t adler_ = 1;                   // Adler-32 of all input compressed so far
  bool started_ = false;                      // the zlib header is out
  bool finished_ = false;
};

}  // namespace tessera::codecs
