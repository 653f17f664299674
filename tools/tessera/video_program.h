#pragma once
// `tessera video ...` runs the tessera-video program beside this one, in this process's place
// (exec): the same process id, signals and exit status, and FFmpeg's libraries loaded only by
// the command that uses them.

namespace tessera::cli {

inline constexpr const char* kVideoDescription =
    "Run every frame of a video through a pipeline, in constant memory; audio is copied";

// Replaces this process with tessera-video and `arguments` (what followed `video`). Returns
// only when that fails, with the exit status after saying why.
int run_video_program(int count, char** arguments);

}  // namespace tessera::cli
