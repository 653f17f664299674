// pigz's scheme on zlib: see parallel_deflate.h.

#include "codecs/parallel_deflate.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdlib>

#include "core/fault_injection.h"
#include "ops/parallel.h"
#include "tessera/error.h"

namespace tessera::codecs {
namespace {

constexpr std::size_t kWindowBytes = 32 * 1024;  // deflate's window: the most a block can use

// zlib's allocations go through fault points (testing::FaultInjection), then to malloc.
voidpf allocate(voidpf, uInt items, uInt size) {
  return detail::inject_fault() ? nullptr : std::calloc(items, size);
}
void release(voidpf, voidpf pointer) { std::free(pointer); }

// The two bytes RFC 1950 puts first: deflate with a 32 KiB window, the level class zlib itself
// would write, no preset dictionary (the dictionaries are inside the stream, not before it).
std::array<std::uint8_t, 2> zlib_header(int level, int strategy) {
  const int level_class = strategy >= Z_HUFFMAN_ONLY || level < 2 ? 0
                          : level < 6                             ? 1
                          : level == 6                            ? 2
                                                                  : 3;
  constexpr int kMethodAndWindow = 0x78;
  int flags = level_class << 6;
  flags += 31 - (kMethodAndWindow * 256 + flags) % 31;
  return {kMethodAndWindow, static_cast<std::uint8_t>(flags)};
}

}  // namespace

struct ParallelDeflate::Block {
  std::vector<std::uint8_t> input;
  std::size_t used = 0;
  std::vector<std::uint8_t> output;
  std::size_t output_used = 0;
  std::uint32_t adler = 1;

  std::span<const std::uint8_t> tail() const {
    const std::size_t size = std::min(used, kWindowBytes);
    return {input.data() + used - size, size};
  }

  // Deflates `input` after `dictionary` into `output` from `offset` on: ended with a sync flush
  // (a byte boundary, the stream open) or, when `last`, finished.
  void compress(int level, int strategy, std::span<const std::uint8_t> dictionary,
                std::size_t offset, bool last, const ErrorContext& context) {
    z_stream stream{};
    stream.zalloc = allocate;
    stream.zfree = release;
    if (deflateInit2(&stream, level, Z_DEFLATED, -15, 8, strategy) != Z_OK) {
      throw Error(ErrorCode::OutOfMemory, "zlib could not allocate its compressor's state",
                  context);
    }
    struct End {
      z_stream& stream;
      ~End() { deflateEnd(&stream); }
    } end{stream};
    if (!dictionary.empty()) {
      deflateSetDictionary(&stream, dictionary.data(), static_cast<uInt>(dictionary.size()));
    }
    // deflateBound covers a finished stream; a sync flush adds its empty stored block.
    output.resize(offset + deflateBound(&stream, static_cast<uLong>(used)) + 64);
    stream.next_in = input.data();
    stream.avail_in = static_cast<uInt>(used);
    const int flush = last ? Z_FINISH : Z_SYNC_FLUSH;
    for (;;) {
      stream.next_out = output.data() + offset + stream.total_out;
      stream.avail_out = static_cast<uInt>(output.size() - offset - stream.total_out);
      const int status = deflate(&stream, flush);
      if (status == Z_STREAM_END || (!last && status == Z_OK && stream.avail_out != 0)) break;
      if (status != Z_OK && status != Z_BUF_ERROR) {
        throw Error(ErrorCode::Internal, "zlib failed while compressing", context);
      }
      output.resize(output.size() + 64 * 1024);  // more room than the bound said: go on
    }
    output_used = offset + stream.total_out;
    adler = static_cast<std::uint32_t>(adler32(1, input.data(), static_cast<uInt>(used)));
  }
};

ParallelDeflate::ParallelDeflate(int level, int strategy, Sink sink, ErrorContext context,
                                 std::size_t block_bytes)
    : level_(level),
      strategy_(strategy),
      sink_(std::move(sink)),
      context_(std::move(context)),
      block_bytes_(block_bytes),
      // Inside a batch's task the other cores have files of their own.
      wave_size_(ops::detail::in_parallel_task ? 1 : ops::detail::usable_cores()) {
  for (int block = 0; block < wave_size_; ++block) wave_.push_back(std::make_unique<Block>());
}

ParallelDeflate::~ParallelDeflate() = default;

std::size_t ParallelDeflate::working_bytes(std::size_t largest_append, std::size_t block_bytes) {
  // A block closes before an append would take it past block_bytes, or holds one append.
  const std::size_t block = std::max(block_bytes, largest_append);
  // deflateInit2 at window 15, memory level 8: 2^17 + 2^17 bytes, and its own small state.
  constexpr std::size_t kZlibState = (std::size_t{1} << 18) + 8 * 1024;
  const auto cores = static_cast<std::size_t>(ops::detail::usable_cores());
  return cores * (block + (block + block / 1000 + 64) + kZlibState) + kWindowBytes;
}

std::uint8_t* ParallelDeflate::append(std::size_t size) {
  Block* open = wave_[filled_].get();
  if (open->used > 0 && open->used + size > block_bytes_) {
    if (filled_ + 1 == wave_size_) {
      compress_wave(false);
    } else {
      ++filled_;
    }
    open = wave_[filled_].get();
  }
  if (open->input.size() < open->used + size) {
    open->input.resize(std::max(block_bytes_, open->used + size));
  }
  std::uint8_t* room = open->input.data() + open->used;
  open->used += size;
  return room;
}

void ParallelDeflate::finish() {
  if (finished_) return;
  compress_wave(true);
  finished_ = true;
}

void ParallelDeflate::compress_wave(bool ends_stream) {
  const int blocks = filled_ + 1;
  const std::size_t header_bytes = started_ ? 0 : 2;
  const auto compress = [&](int index) {
    const std::span<const std::uint8_t> dictionary =
        index == 0 ? std::span<const std::uint8_t>(dictionary_) : wave_[index - 1]->tail();
    wave_[index]->compress(level_, strategy_, dictionary, index == 0 ? header_bytes : 0,
                           ends_stream && index == blocks - 1, context_);
  };
  if (blocks == 1) {
    compress(0);  // a small image, or one core: no task to hand over
  } else {
    ops::detail::parallel_tasks(blocks, blocks, compress);
  }
  for (int index = 0; index < blocks; ++index) {
    Block& block = *wave_[index];
    adler_ = static_cast<std::uint32_t>(
        adler32_combine(adler_, block.adler, static_cast<z_off_t>(block.used)));
    if (!started_) {
      const auto header = zlib_header(level_, strategy_);
      std::copy(header.begin(), header.end(), block.output.begin());
      started_ = true;
    }
    if (ends_stream && index == blocks - 1) {
      block.output.resize(block.output_used + 4);
      for (int shift = 24; shift >= 0; shift -= 8) {
        block.output[block.output_used++] = static_cast<std::uint8_t>(adler_ >> shift);
      }
    }
    sink_({block.output.data(), block.output_used});
  }
  if (!ends_stream) {
    const auto tail = wave_[blocks - 1]->tail();
    dictionary_.assign(tail.begin(), tail.end());
  }
  for (auto& block : wave_) block->used = 0;
  filled_ = 0;
}

}  // namespace tessera::codecs
