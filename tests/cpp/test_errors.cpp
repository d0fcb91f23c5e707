#include <gtest/gtest.h>

#include <cerrno>

#include "ictaltrack/errors.hpp"
#include "ictaltrack/io/edf_reader.hpp"

using namespace ictaltrack;

TEST(Errors, FormatErrorNamesFieldSignalAndOffset) {
  const FormatError error("physical minimum", 3, 256 + 104 * 3, "physical minimum equals maximum");
  EXPECT_EQ(error.field(), "physical minimum");
  EXPECT_EQ(error.signal(), 3);
  EXPECT_EQ(error.byte_offset(), 568);
  const std::string text = error.what();
  EXPECT_NE(text.find("physical minimum equals maximum"), std::string::npos);
  EXPECT_NE(text.find("signal 3"), std::string::npos);
  EXPECT_NE(text.find("byte offset 568"), std::string::npos);
}

TEST(Errors, FormatErrorWithoutSignalOrOffsetOmitsThem) {
  const FormatError error("version", -1, -1, "not an EDF file");
  const std::string text = error.what();
  EXPECT_EQ(text.find("signal"), std::string::npos);
  EXPECT_EQ(text.find("byte offset"), std::string::npos);
}

TEST(Errors, HierarchyLetsCallersCatchTheBase) {
  EXPECT_THROW(throw IoError("/nonexistent", "cannot open"), Error);
  EXPECT_THROW(throw UnsupportedError("mixed rates"), Error);
  try {
    throw IoError("/x", "cannot open");
  } catch (const IoError& e) {
    EXPECT_EQ(e.path(), "/x");
    EXPECT_STREQ(e.what(), "cannot open: /x");
  }
}

TEST(Errors, IoErrorCarriesTheErrnoWhenKnown) {
  const IoError with("/x", "cannot open", ENOENT);
  EXPECT_EQ(with.error_number(), ENOENT);
  EXPECT_STREQ(with.what(), "cannot open: /x");
  EXPECT_EQ(IoError("/x", "file ended early").error_number(), 0);
}

TEST(Errors, ReaderReportsTheErrnoOfAMissingFileAndOfAFolder) {
  try {
    EdfReader reader("/nonexistent/missing.edf");
    FAIL() << "expected IoError";
  } catch (const IoError& error) {
    EXPECT_EQ(error.error_number(), ENOENT);  // Python raises it as a FileNotFoundError
  }
  try {
    EdfReader reader("/");
    FAIL() << "expected IoError";
  } catch (const IoError& error) {
    EXPECT_EQ(error.error_number(), EISDIR);
  }
}
