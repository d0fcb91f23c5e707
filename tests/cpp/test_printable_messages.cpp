// Messages that quote bytes of a file (reader warnings, TAL problems, FormatError, IoError) and
// texts a caller passes in (writer errors) stay valid, printable UTF-8 whatever the bytes are:
// what is not valid UTF-8, and control bytes, show as \xNN. Validity is checked with glibc's iconv,
// independent of the library's own UTF-8 code.
#include <errno.h>
#include <gtest/gtest.h>
#include <iconv.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "core/text.hpp"
#include "edf_builder.hpp"
#include "ictaltrack/errors.hpp"
#include "ictaltrack/io/edf_reader.hpp"
#include "ictaltrack/io/edf_writer.hpp"
#include "ictaltrack/spectral/band_power.hpp"
#include "test_support.hpp"

using namespace ictaltrack;
using ictaltrack::testing::EdfBuilder;
using ictaltrack::testing::ScratchDir;

namespace {

// glibc's UTF-8 -> UTF-8 conversion stops with EILSEQ/EINVAL at the first ill-formed sequence.
bool iconv_accepts_utf8(const std::string& text) {
  iconv_t converter = iconv_open("UTF-8", "UTF-8");
  if (converter == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error("iconv_open failed");
  std::string input = text;
  std::vector<char> output(text.size() * 4 + 16);
  char* in = input.data();
  std::size_t in_left = input.size();
  char* out = output.data();
  std::size_t out_left = output.size();
  const std::size_t result = iconv(converter, &in, &in_left, &out, &out_left);
  iconv_close(converter);
  return result != static_cast<std::size_t>(-1) && in_left == 0;
}

bool printable_ascii_or_utf8(const std::string& text) {
  if (!iconv_accepts_utf8(text)) return false;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) return false;
  }
  return true;
}

}  // namespace

TEST(Printable, EscapesInvalidUtf8AndControlBytesAndKeepsValidText) {
  using detail::printable;
  EXPECT_EQ(printable("Fp1-F7"), "Fp1-F7");
  EXPECT_EQ(printable("\xC3\xA9t\xC3\xA9"), "\xC3\xA9t\xC3\xA9");  // "été" stays
  EXPECT_EQ(printable("\xFF\xFE+0"), "\\xFF\\xFE+0");
  EXPECT_EQ(printable(std::string("a\x14\x15\0b", 5)), "a\\x14\\x15\\x00b");
  EXPECT_EQ(printable("x\x7F"), "x\\x7F");
  // Not UTF-8: a lone continuation byte, a truncated sequence, an overlong '/', a surrogate.
  EXPECT_EQ(printable("\x80"), "\\x80");
  EXPECT_EQ(printable("\xE2\x82"), "\\xE2\\x82");
  EXPECT_EQ(printable("\xC0\xAF"), "\\xC0\\xAF");
  EXPECT_EQ(printable("\xED\xA0\x80"), "\\xED\\xA0\\x80");
  // Latin-1 "é" alone is invalid UTF-8; the valid euro sign after it is kept.
  EXPECT_EQ(printable("\xE9\xE2\x82\xAC"), "\\xE9\xE2\x82\xAC");
  for (int byte = 0; byte < 256; ++byte) {
    const std::string one(1, static_cast<char>(byte));
    EXPECT_TRUE(printable_ascii_or_utf8(printable(one))) << "byte " << byte;
  }
}

TEST(Printable, ReaderWarningsQuoteInvalidBytesEscaped) {
  ScratchDir scratch;
  EdfBuilder builder;
  builder.reserved = "EDF+C";
  builder.start_date = "\xFF\xFE.03.21";  // not dd.mm.yy: quoted in "bad_date"
  builder.start_time = "10.\xE9\x30.03";  // Latin-1 byte inside: quoted in "bad_time"
  builder.add_signal("Fp1\xFF", 16);      // quoted in "non_ascii_text"
  builder.add_signal("Fp1\xFF", 16);      // and in "duplicate_label"
  auto& annotations = builder.add_annotation_signal(60);
  // Record 0: a valid time-keeping TAL. Record 1: binary bytes where a TAL onset should be (as in
  // the EEGMMIDB file). Record 2: an onset then a duration holding invalid bytes.
  std::string keeping = "+0\x14\x14";
  keeping.push_back('\0');
  std::string binary_onset = "\xFF\xFF\x01+1\x14\x14";
  binary_onset.push_back('\0');
  std::string binary_duration = "+2\x14\x14";
  binary_duration.push_back('\0');
  binary_duration += "+2\x15\xFE\x80\x14text\x14";
  binary_duration.push_back('\0');
  annotations.raw_tals = std::vector<std::string>{keeping, binary_onset, binary_duration};
  const EdfReader reader(builder.write(scratch / "bytes.edf").string());
  const RecordingInfo& info = reader.info();

  auto message_of = [&](const std::string& code, const std::string& containing) {
    for (const ReadWarning& warning : info.warnings) {
      if (warning.code == code && warning.message.find(containing) != std::string::npos) {
        return warning.message;
      }
    }
    return std::string();
  };
  for (const ReadWarning& warning : info.warnings) {
    EXPECT_TRUE(printable_ascii_or_utf8(warning.message)) << warning.code;
  }
  EXPECT_NE(message_of("bad_date", "'\\xFF\\xFE.03.21'"), "");
  EXPECT_NE(message_of("bad_time", "'10.\\xE90.03'"), "");
  EXPECT_NE(message_of("non_ascii_text", "'Fp1\\xFF'"), "");
  EXPECT_NE(message_of("tal_malformed", "TAL onset '\\xFF\\xFF\\x01+1'"), "");
  EXPECT_NE(message_of("tal_malformed", "TAL duration '\\xFE\\x80'"), "");
  // The label itself is decoded text (Latin-1 fallback), valid UTF-8, and quoted as such.
  EXPECT_EQ(info.channels[0].label, "Fp1\xC3\xBF");
  EXPECT_NE(message_of("duplicate_label", "'Fp1\xC3\xBF'"), "");
}

TEST(Printable, FormatErrorQuotesInvalidBytesEscaped) {
  ScratchDir scratch;
  EdfBuilder builder;
  builder.duration_field = "1\xFF";
  builder.add_signal("Fp1", 16);
  try {
    EdfReader reader(builder.write(scratch / "duration.edf").string());
    FAIL() << "a record duration of '1\\xFF' must be refused";
  } catch (const FormatError& error) {
    const std::string message = error.what();
    EXPECT_TRUE(printable_ascii_or_utf8(message)) << message;
    EXPECT_NE(message.find("'1\\xFF'"), std::string::npos) << message;
    EXPECT_EQ(error.field(), "duration of a data record");
  }
}

TEST(Printable, IoErrorShowsAPathThatIsNotUtf8Escaped) {
  ScratchDir scratch;
  const std::string path = (scratch / "missing\xFF.edf").string();
  try {
    EdfReader reader(path);
    FAIL() << "a missing file must be refused";
  } catch (const IoError& error) {
    const std::string message = error.what();
    EXPECT_TRUE(printable_ascii_or_utf8(message)) << message;
    EXPECT_NE(message.find("missing\\xFF.edf"), std::string::npos) << message;
    EXPECT_EQ(error.path(), path);  // the path itself is kept byte for byte
  }
}

TEST(Printable, WriterErrorsQuoteCallerTextEscaped) {
  ScratchDir scratch;
  EdfSignalSpec spec;
  spec.label = "Fp1\xFF";
  try {
    EdfWriter writer(scratch / "out.edf", {spec}, EdfWriterOptions{});
    FAIL() << "a label that is not printable ASCII must be refused";
  } catch (const FormatError& error) {
    const std::string message = error.what();
    EXPECT_TRUE(printable_ascii_or_utf8(message)) << message;
    EXPECT_NE(message.find("'Fp1\\xFF'"), std::string::npos) << message;
  }
}

TEST(Printable, BandPowerMessagesQuoteCallerTextEscaped) {
  try {
    (void)parse_window_function("hann\xFF");
    FAIL() << "an unknown window name must be refused";
  } catch (const std::invalid_argument& error) {
    const std::string message = error.what();
    EXPECT_TRUE(printable_ascii_or_utf8(message)) << message;
    EXPECT_NE(message.find("'hann\\xFF'"), std::string::npos) << message;
  }
  BandPowerOptions options;
  options.window_s = 4.0;
  options.bands = {{"\xE9lev\xE9", 60.0, 80.0}};  // Latin-1 name, above Nyquist at 100 Hz
  const BandPowerEngine engine(100.0, 1, options);
  ASSERT_FALSE(engine.warnings().empty());
  const std::string message = engine.warnings().back().message;
  EXPECT_TRUE(printable_ascii_or_utf8(message)) << message;
  EXPECT_NE(message.find("'\\xE9lev\\xE9'"), std::string::npos) << message;
}
