#pragma once
// `tessera video ...` runs the tessera-video program beside this one, in this process's place
// (exec): the same process id, signals and exit status, and FFmpeg's libraries loaded only by
// the command that uses them.

#include <string>
#include <vector>

namespace tessera::cli {

inline constexpr const char* kVideoDescription =
    "Run every frame of a video through a pipeline, in constant memory; audio is copied";

// Replaces this process with tessera-video and `arguments` (what followed `video`). Returns
// only when that fails, with the exit status after saying why.
int run_video_program(int count, char** arguments);

// `tessera info` for a file that is no image: tessera-video describes it if it is a video.
// Returns 0 when it was described (a line on stdout; with `json`, a JSON object), kNotAVideo
// when it is no video either (nothing printed), 1 when it is a video that cannot be read (the
// error printed).
inline constexpr int kNotAVideo = 3;
int describe_video(const std::string& path, bool json);

// The option names of `tessera video` (tessera-video --option-names), for the completion
// script; empty when the program is not there.
std::vector<std::string> video_option_names();

}  // namespace tessera::cli
