// Live use of the streaming detector from a program linking the installed ictaltrack: samples
// arrive one second at a time (here read from an EDF file, as an acquisition loop would hand
// them over), are pushed as they come, each onset alarm is printed as soon as the detector has
// confirmed a running seizure, and each seizure once the detector has closed it. At the end the
// stream's seizures are checked against detect_file on the same file, and every seizure must
// have been announced by an alarm.
#include <algorithm>
#include <cstdint>
#include <exception>
#include <ictaltrack/detect/detector.hpp>
#include <ictaltrack/errors.hpp>
#include <ictaltrack/io/edf_reader.hpp>
#include <iostream>
#include <map>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: live FILE.edf\n";
    return 2;
  }
  try {
    const ictaltrack::EdfReader reader(argv[1]);
    const auto& info = reader.info();
    // The channels at the most common sample rate (the detector itself keeps the EEG ones).
    std::map<double, int> rates;
    for (const auto& channel : info.channels) ++rates[channel.sfreq];
    const double sfreq =
        std::max_element(rates.begin(), rates.end(), [](const auto& a, const auto& b) {
          return a.second < b.second;
        })->first;
    std::vector<int> picks;
    std::vector<std::string> labels;
    for (int c = 0; c < info.n_channels(); ++c) {
      if (info.channels[c].sfreq != sfreq) continue;
      picks.push_back(c);
      labels.push_back(info.channels[c].label);
    }
    ictaltrack::DetectorOptions params;
    params.line_frequency_hz = 50;  // a live stream has no first 30 s to guess it from
    ictaltrack::SeizureDetector detector(sfreq, labels, params);

    auto print = [&](const std::vector<ictaltrack::StreamSeizure>& seizures) {
      for (const auto& s : seizures) {
        std::cout << "seizure " << static_cast<double>(s.onset_sample) / sfreq << " s - "
                  << static_cast<double>(s.offset_sample) / sfreq << " s, "
                  << ictaltrack::to_string(s.seizure.hemisphere) << ", onset channels:";
        for (const auto& name : s.seizure.onset_channels) std::cout << " " << name;
        std::cout << " (raised after " << static_cast<double>(detector.samples_pushed()) / sfreq
                  << " s of data)\n";
      }
      return seizures.size();
    };
    std::size_t alarms = 0;
    auto print_alarms = [&](const std::vector<ictaltrack::OnsetAlarm>& raised) {
      for (const auto& a : raised) {
        std::cout << "ALARM raised at " << static_cast<double>(a.raised_sample) / sfreq
                  << " s: seizure since " << static_cast<double>(a.onset_sample) / sfreq << " s, "
                  << ictaltrack::to_string(a.side) << ", confidence " << a.confidence
                  << ", onset channels:";
        for (const int c : a.onset_channels)
          std::cout << " " << labels[static_cast<std::size_t>(c)];
        std::cout << "\n";
      }
      alarms += raised.size();
    };
    const auto second = static_cast<std::int64_t>(sfreq);
    const std::int64_t n_samples = info.channels[static_cast<std::size_t>(picks[0])].n_samples;
    std::vector<float> chunk(picks.size() * static_cast<std::size_t>(second));
    std::size_t found = 0;
    for (std::int64_t first = 0; first < n_samples; first += second) {
      const std::int64_t count = std::min(second, n_samples - first);
      reader.read_physical(picks, first, count, chunk.data(), second);  // "acquired" samples
      detector.push(chunk.data(), static_cast<std::size_t>(count),
                    static_cast<std::size_t>(second));
      print_alarms(detector.take_alarms());  // alarms first: a seizure's alarm precedes it
      found += print(detector.take_seizures());
    }
    detector.finish();
    print_alarms(detector.take_alarms());
    found += print(detector.take_seizures());

    const auto whole = ictaltrack::detect_file(argv[1], params);
    std::cout << alarms << " alarms and " << found << " seizures live, " << whole.seizures.size()
              << " seizures by detect_file\n";
    return found == whole.seizures.size() && alarms >= found ? 0 : 1;
  } catch (const ictaltrack::Error& error) {
    std::cerr << "ictaltrack error: " << error.what() << "\n";
    return 1;
  }
}
