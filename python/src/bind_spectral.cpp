// Bindings for the band-power engine (ictaltrack/spectral) and the causal SOS filters
// (ictaltrack/conditioning). The public Python API is ictaltrack.spectral / ictaltrack.filters.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "ictaltrack/conditioning/filters.hpp"
#include "ictaltrack/spectral/band_power.hpp"

namespace py = pybind11;

namespace ictaltrack::python {
namespace {

using BandTuple = std::tuple<std::string, double, double>;

// A (n_channels, n_times) array whose rows are contiguous, seen without copying.
struct RowView {
  py::array keep_alive;  // owns the data while the GIL is released
  const void* data = nullptr;
  bool is_float32 = false;
  std::size_t n_rows = 0, n_cols = 0, row_stride = 0;  // stride in elements
};

// float32/float64 arrays with contiguous rows are used in place; anything else is converted
// once to a C-contiguous float64 array.
RowView row_view(const py::handle& object) {
  py::array array = py::array::ensure(object);
  if (!array) throw py::type_error("data must be an array-like of numbers");
  if (array.ndim() != 2)
    throw py::value_error("data must be 2-D (n_channels, n_times), got " +
                          std::to_string(array.ndim()) + "-D");
  const bool is_f64 = array.dtype().is(py::dtype::of<double>());
  const bool is_f32 = array.dtype().is(py::dtype::of<float>());
  const auto item = static_cast<py::ssize_t>(is_f32 ? sizeof(float) : sizeof(double));
  const bool rows_contiguous = (is_f64 || is_f32) && array.strides(1) == item &&
                               array.strides(0) >= 0 && array.strides(0) % item == 0 &&
                               (array.shape(0) <= 1 || array.strides(0) >= item * array.shape(1));
  if (!rows_contiguous) {
    array = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(array);
    if (!array) throw py::type_error("data could not be converted to float64");
  }
  RowView view;
  view.is_float32 = rows_contiguous && is_f32;
  const auto itemsize = static_cast<py::ssize_t>(view.is_float32 ? sizeof(float) : sizeof(double));
  view.data = array.data();
  view.n_rows = static_cast<std::size_t>(array.shape(0));
  view.n_cols = static_cast<std::size_t>(array.shape(1));
  view.row_stride =
      array.shape(0) <= 1 ? view.n_cols : static_cast<std::size_t>(array.strides(0) / itemsize);
  view.keep_alive = std::move(array);
  return view;
}

// Hands a vector to numpy without copying: the array owns the vector through a capsule.
template <typename T>
py::array_t<T> to_numpy(std::vector<T>&& values, std::vector<py::ssize_t> shape) {
  auto* owned = new std::vector<T>(std::move(values));
  py::capsule owner(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(shape, owned->data(), owner);
}

py::tuple result_to_python(BandPowerResult&& result) {
  const auto n_windows = static_cast<py::ssize_t>(result.n_windows);
  auto power =
      to_numpy(std::move(result.power), {n_windows, static_cast<py::ssize_t>(result.n_channels),
                                         static_cast<py::ssize_t>(result.n_bands)});
  auto starts = to_numpy(std::move(result.window_start), {n_windows});
  auto times = to_numpy(std::move(result.times_s), {n_windows});
  return py::make_tuple(power, starts, times);
}

BandPowerOptions make_options(const std::optional<std::vector<BandTuple>>& bands, double window_s,
                              double step_s, const std::string& window, const std::string& detrend,
                              bool relative,
                              const std::optional<std::pair<double, double>>& total_range,
                              int n_threads, const std::string& planning,
                              const std::string& wisdom_path) {
  BandPowerOptions options;
  options.window_s = window_s;
  options.step_s = step_s;
  options.window = parse_window_function(window);
  options.detrend = parse_detrend(detrend);
  if (bands) {
    options.bands.clear();
    for (const auto& [name, low, high] : *bands) options.bands.push_back({name, low, high});
  }
  options.relative = relative;
  options.total_range = total_range;
  options.n_threads = n_threads;
  if (planning == "estimate")
    options.planning = FftPlanning::estimate;
  else if (planning == "measure")
    options.planning = FftPlanning::measure;
  else
    throw py::value_error("planning must be 'estimate' or 'measure'");
  options.wisdom_path = wisdom_path;
  return options;
}

std::vector<BandTuple> bands_to_python(const std::vector<Band>& bands) {
  std::vector<BandTuple> out;
  for (const Band& band : bands) out.emplace_back(band.name, band.low_hz, band.high_hz);
  return out;
}

std::size_t push_view(BandPowerEngine& engine, const RowView& view, BandPowerResult& out) {
  if (view.n_rows != engine.n_channels())
    throw py::value_error("chunk has " + std::to_string(view.n_rows) + " channels, the engine " +
                          std::to_string(engine.n_channels()));
  py::gil_scoped_release release;
  if (view.is_float32)
    return engine.push(static_cast<const float*>(view.data), view.n_cols, view.row_stride, out);
  return engine.push(static_cast<const double*>(view.data), view.n_cols, view.row_stride, out);
}

py::array_t<double> sections_to_numpy(const SosSections& sections) {
  py::array_t<double> out({static_cast<py::ssize_t>(sections.size()), py::ssize_t{6}});
  auto view = out.mutable_unchecked<2>();
  for (std::size_t s = 0; s < sections.size(); ++s)
    for (std::size_t j = 0; j < 6; ++j)
      view(static_cast<py::ssize_t>(s), static_cast<py::ssize_t>(j)) = sections[s][j];
  return out;
}

SosSections sections_from_numpy(const py::handle& object) {
  auto array = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(object);
  if (!array || array.ndim() != 2 || array.shape(1) != 6)
    throw py::value_error("sos must be a 2-D array of shape (n_sections, 6)");
  SosSections sections(static_cast<std::size_t>(array.shape(0)));
  auto view = array.unchecked<2>();
  for (std::size_t s = 0; s < sections.size(); ++s)
    for (std::size_t j = 0; j < 6; ++j)
      sections[s][j] = view(static_cast<py::ssize_t>(s), static_cast<py::ssize_t>(j));
  return sections;
}

void register_filters(py::module_& m) {
  m.def(
      "butterworth_lowpass",
      [](int order, double cutoff_hz, double sfreq) {
        return sections_to_numpy(butterworth_lowpass(order, cutoff_hz, sfreq));
      },
      py::arg("order"), py::arg("cutoff_hz"), py::arg("sfreq"));
  m.def(
      "butterworth_highpass",
      [](int order, double cutoff_hz, double sfreq) {
        return sections_to_numpy(butterworth_highpass(order, cutoff_hz, sfreq));
      },
      py::arg("order"), py::arg("cutoff_hz"), py::arg("sfreq"));
  m.def(
      "notch_filter",
      [](double notch_hz, double quality, double sfreq) {
        return sections_to_numpy(notch_filter(notch_hz, quality, sfreq));
      },
      py::arg("notch_hz"), py::arg("quality"), py::arg("sfreq"));

  py::class_<SosFilter>(m, "SosFilter")
      .def(py::init([](const py::handle& sos, std::size_t n_channels) {
             return SosFilter(sections_from_numpy(sos), n_channels);
           }),
           py::arg("sos"), py::arg("n_channels"))
      .def(
          "process",
          [](SosFilter& filter, const py::handle& data) {
            const RowView view = row_view(data);
            if (view.n_rows != filter.n_channels())
              throw py::value_error("data has " + std::to_string(view.n_rows) +
                                    " channels, the filter " + std::to_string(filter.n_channels()));
            py::array_t<double> out(
                {static_cast<py::ssize_t>(view.n_rows), static_cast<py::ssize_t>(view.n_cols)});
            double* target = out.mutable_data();
            {
              py::gil_scoped_release release;
              if (view.is_float32)
                filter.process(static_cast<const float*>(view.data), view.row_stride, target,
                               view.n_cols, view.n_cols);
              else
                filter.process(static_cast<const double*>(view.data), view.row_stride, target,
                               view.n_cols, view.n_cols);
            }
            return out;
          },
          py::arg("data"))
      .def("reset", &SosFilter::reset)
      .def_property(
          "state",
          [](const SosFilter& filter) {
            const auto state = filter.state();
            py::array_t<double> out({static_cast<py::ssize_t>(filter.n_channels()),
                                     static_cast<py::ssize_t>(filter.n_sections()),
                                     py::ssize_t{2}});
            std::copy(state.begin(), state.end(), out.mutable_data());
            return out;
          },
          [](SosFilter& filter, const py::handle& values) {
            auto array =
                py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(values);
            if (!array || array.ndim() != 3 ||
                array.shape(0) != static_cast<py::ssize_t>(filter.n_channels()) ||
                array.shape(1) != static_cast<py::ssize_t>(filter.n_sections()) ||
                array.shape(2) != 2)
              throw py::value_error("state must have shape (n_channels, n_sections, 2)");
            filter.set_state({array.data(), static_cast<std::size_t>(array.size())});
          })
      .def_property_readonly(
          "sos", [](const SosFilter& filter) { return sections_to_numpy(filter.sections()); })
      .def_property_readonly("n_channels", &SosFilter::n_channels)
      .def_property_readonly("n_sections", &SosFilter::n_sections);
}

}  // namespace

void register_spectral(py::module_& m) {
  m.def("default_bands", [] { return bands_to_python(default_bands()); });

  m.def(
      "band_power",
      [](const py::handle& data, double sfreq, const std::optional<std::vector<BandTuple>>& bands,
         double window_s, double step_s, const std::string& window, const std::string& detrend,
         bool relative, const std::optional<std::pair<double, double>>& total_range, int n_threads,
         const std::string& planning, const std::string& wisdom_path) {
        const BandPowerOptions options =
            make_options(bands, window_s, step_s, window, detrend, relative, total_range, n_threads,
                         planning, wisdom_path);
        const RowView view = row_view(data);
        BandPowerEngine engine(sfreq, view.n_rows, options);
        BandPowerResult result;
        push_view(engine, view, result);
        result.n_channels = view.n_rows;
        result.n_bands = engine.bands().size();
        py::tuple arrays = result_to_python(std::move(result));
        return py::make_tuple(arrays[0], arrays[1], arrays[2], warnings_to_list(engine.warnings()),
                              bands_to_python(engine.bands()), engine.total_range());
      },
      py::arg("data"), py::arg("sfreq"), py::arg("bands") = py::none(),
      py::arg("window_s") = BandPowerOptions{}.window_s, py::arg("step_s") = 1.0,
      py::arg("window") = "hann", py::arg("detrend") = "constant", py::arg("relative") = false,
      py::arg("total_range") = py::none(), py::arg("n_threads") = 1,
      py::arg("planning") = "estimate", py::arg("wisdom_path") = "");

  py::class_<BandPowerEngine>(m, "BandPowerEngine")
      .def(py::init([](double sfreq, std::size_t n_channels,
                       const std::optional<std::vector<BandTuple>>& bands, double window_s,
                       double step_s, const std::string& window, const std::string& detrend,
                       bool relative, const std::optional<std::pair<double, double>>& total_range,
                       int n_threads, const std::string& planning, const std::string& wisdom_path) {
             return BandPowerEngine(sfreq, n_channels,
                                    make_options(bands, window_s, step_s, window, detrend, relative,
                                                 total_range, n_threads, planning, wisdom_path));
           }),
           py::arg("sfreq"), py::arg("n_channels"), py::arg("bands") = py::none(),
           py::arg("window_s") = BandPowerOptions{}.window_s, py::arg("step_s") = 1.0,
           py::arg("window") = "hann", py::arg("detrend") = "constant", py::arg("relative") = false,
           py::arg("total_range") = py::none(), py::arg("n_threads") = 1,
           py::arg("planning") = "estimate", py::arg("wisdom_path") = "")
      .def(
          "push",
          [](BandPowerEngine& engine, const py::handle& chunk) {
            const RowView view = row_view(chunk);
            BandPowerResult result;
            result.n_channels = engine.n_channels();
            result.n_bands = engine.bands().size();
            push_view(engine, view, result);
            return result_to_python(std::move(result));
          },
          py::arg("chunk"))
      .def("begin_segment", &BandPowerEngine::begin_segment, py::arg("start_sample"))
      .def_property_readonly("sfreq", &BandPowerEngine::sfreq)
      .def_property_readonly("n_channels", &BandPowerEngine::n_channels)
      .def_property_readonly("window_samples", &BandPowerEngine::window_samples)
      .def_property_readonly("step_samples", &BandPowerEngine::step_samples)
      .def_property_readonly("frequency_resolution", &BandPowerEngine::frequency_resolution)
      .def_property_readonly("bands",
                             [](const BandPowerEngine& e) { return bands_to_python(e.bands()); })
      .def_property_readonly("total_range", &BandPowerEngine::total_range)
      .def_property_readonly("relative",
                             [](const BandPowerEngine& e) { return e.options().relative; })
      .def_property_readonly(
          "warnings",
          [](const BandPowerEngine& engine) { return warnings_to_list(engine.warnings()); })
      .def_property_readonly("stream_position", &BandPowerEngine::stream_position)
      .def_property_readonly("buffered_samples", &BandPowerEngine::buffered_samples);

  register_filters(m);
}

}  // namespace ictaltrack::python
