#pragma once
// Runs the registered Google Benchmarks with repetitions and keeps each one's median, so that a
// benchmark binary can print tessera/rival ratios measured in the same run.

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

namespace tessera::bench {

// Keeps the console output and collects each benchmark's median real time in nanoseconds.
class MedianCollector : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median") {
        medians[run.run_name.function_name] = run.GetAdjustedRealTime();
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }

  std::map<std::string, double> medians;
};

// Initialises Google Benchmark with `repetitions` repetitions, aggregate-only reporting and
// repetitions in random interleaved order (the command line may override all three), runs
// everything, and returns the medians. Interleaving matters on a shared machine: a slow spell
// then falls on both sides of a ratio, not on one benchmark's five repetitions in a row.
inline std::map<std::string, double> run_with_medians(int argc, char** argv, int repetitions) {
  std::vector<char*> arguments(argv, argv + argc);
  std::string repeat = "--benchmark_repetitions=" + std::to_string(repetitions);
  std::string aggregates = "--benchmark_report_aggregates_only=true";
  std::string interleave = "--benchmark_enable_random_interleaving=true";
  arguments.insert(arguments.begin() + 1, {repeat.data(), aggregates.data(), interleave.data()});
  int count = static_cast<int>(arguments.size());
  benchmark::Initialize(&count, arguments.data());
  MedianCollector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  return collector.medians;
}

}  // namespace tessera::bench
