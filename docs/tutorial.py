# %% [markdown]
# # ictaltrack tutorial: from a recording to a migration summary
#
# Run it as a script (`python docs/tutorial.py [OUTPUT_FOLDER]`) or cell by cell in a notebook
# (Jupyter/VS Code read the `# %%` markers). It simulates a short recording with migrating
# seizures, reads it, computes band power, detects seizures, summarises how their onsets
# migrate, and draws the timeline and an onset map. Times are seconds from the first sample,
# EEG in microvolts. `tests/python/test_tutorial.py` runs this file.

# %%
import sys
import tempfile
from pathlib import Path

import matplotlib

if "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # a script writes PNG files; a notebook shows the figures inline

import ictaltrack

output = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="ictaltrack-"))
output.mkdir(parents=True, exist_ok=True)
print("writing into", output)

# %% [markdown]
# ## 1. Simulate a recording
# Five minutes of 19-channel infant-like EEG at 256 Hz with four seizures whose onsets migrate
# between regions and hemispheres (one may overlap the previous one). The simulator writes the
# EDF+ file and a JSON truth file beside it, and returns the truth.

# %%
edf_path = output / "tutorial.edf"
truth = ictaltrack.simulate(
    edf_path,
    duration_s=300,
    seed=7,
    n_seizures=4,
    seizure_duration_min_s=30,
    seizure_duration_max_s=50,
    interval_min_s=5,
    interval_max_s=20,
    first_onset_min_s=15,
    first_onset_max_s=25,
    overlap_probability=0.35,
)
for seizure in truth["seizures"]:
    print(
        f"true seizure {seizure['index']}: {seizure['onset_s']:6.1f}-{seizure['offset_s']:6.1f} s"
        f"  {seizure['hemisphere']:>5} {seizure['region']}"
    )

# %% [markdown]
# ## 2. Read it
# `read_edf` reads the header; samples stay on disk until asked for.

# %%
recording = ictaltrack.read_edf(edf_path)
print(
    recording.info.format,
    recording.info.duration,
    "s,",
    len(recording.info.channels),
    "channels at",
    recording.info.sfreq,
    "Hz, start",
    recording.info.start_iso,
)
print(ictaltrack.channel_table(recording.info.ch_names)[["label", "hemisphere", "region"]].head())

# %% [markdown]
# ## 3. Band power
# Power per channel in Hann windows every 1 s (uV^2), in the default bands. The default windows
# are 4 s long because a window must hold two cycles of the lowest band edge (0.5 Hz); with
# `window_s=2` the library warns that delta is poorly resolved. Seizures here start as
# alpha/theta rhythms, so theta+alpha power rises over the onset region first.

# %%
power = recording.band_power()
bands = [band.name for band in power.bands]
theta_alpha = power.power[:, :, bands.index("theta")] + power.power[:, :, bands.index("alpha")]
loudest = theta_alpha.argmax(axis=1)
first_onset = truth["seizures"][0]["onset_s"]
window = int(abs(power.times - (first_onset + 10)).argmin())
print("bands:", bands, "windows:", power.power.shape[0])
print(
    f"10 s after the first true onset the strongest theta+alpha channel is "
    f"{recording.info.ch_names[loudest[window]]}"
)

# %% [markdown]
# ## 4. Detect seizures and localise their onsets

# %%
result = ictaltrack.detect(edf_path)
print(result)
print(result.seizures[["onset_s", "offset_s", "hemisphere", "region", "onset_channels"]])

# %% [markdown]
# ### The same detection from MNE, or live
# `detect` also takes any MNE Raw (BrainVision, EEGLAB, FIF, ... read by MNE; volts are converted
# to microvolts, `info["bads"]` left out) or a NumPy array with `sfreq=` and `ch_names=`. The same
# samples give the same seizures as the EDF route. Here the recording goes through a FIF file
# (double precision, so the samples stay exactly those of the EDF).

# %%
import mne  # noqa: E402

fif_path = output / "tutorial_raw.fif"
recording.to_mne(verbose="error").save(fif_path, fmt="double", overwrite=True, verbose="error")
from_fif = ictaltrack.detect(mne.io.read_raw_fif(fif_path, verbose="error"))
same = [(s["onset_s"], s["hemisphere"]) for s in from_fif.to_dict()["seizures"]] == [
    (s["onset_s"], s["hemisphere"]) for s in result.to_dict()["seizures"]
]
print("FIF through MNE gives the same seizures:", same)

# %% [markdown]
# For live use, `SeizureDetector` takes samples as they arrive (here one second at a time, in
# microvolts, float32 as read from the file) and hands out each seizure once it has ended; times
# are seconds from the first sample pushed. It does not guess the mains frequency: give it.

# %%
detector = ictaltrack.SeizureDetector(
    recording.info.sfreq, recording.info.ch_names, line_frequency_hz=50
)  # the simulator's mains
second = int(recording.info.sfreq)
samples = recording.get_data().astype("float32")
for start in range(0, samples.shape[1], second):
    detector.push(samples[:, start : start + second])
    for seizure in detector.take_seizures():
        print(
            f"live: seizure {seizure['onset_s']:.1f}-{seizure['offset_s']:.1f} s, "
            f"{seizure['hemisphere']}, reported at "
            f"{detector.samples_pushed / recording.info.sfreq:.0f} s"
        )
detector.finish()
for seizure in detector.take_seizures():
    print(f"live: seizure {seizure['onset_s']:.1f}-{seizure['offset_s']:.1f} s (at the end)")

# %% [markdown]
# ## 5. Migration
# Each consecutive pair of seizures is a transition: its shift class (same-region, ipsilateral,
# contralateral, unknown), the interval between onsets, whether the second starts before the
# first ends, and how far the onset focus moved on the scalp (degrees on the standard head).
# The summary says whether the recording shows migrating onsets and why (docs/migration.md).

# %%
print(result.transitions)
summary = result.summary
print("switch rate:", summary["hemisphere_switch_rate"], "migrating:", summary["migrating"])
for reason in summary["verdict_reasons"]:
    print("  -", reason)

# The same tracker on the truth, for comparison.
truth_result = ictaltrack.DetectionResult.from_dict(
    {
        "file": str(edf_path),
        "duration_s": truth["duration_s"],
        "seizures": [
            {
                "onset_s": s["onset_s"],
                "offset_s": s["offset_s"],
                "hemisphere": s["hemisphere"],
                "region": s["region"],
                "onset_channels": s["focus_electrodes"],
            }
            for s in truth["seizures"]
        ],
    }
)
print(
    "truth: switch rate",
    truth_result.summary["hemisphere_switch_rate"],
    "migrating",
    truth_result.summary["migrating"],
)

# %% [markdown]
# ## 6. Score against the truth (SzCORE event scoring + localisation)

# %%
evaluation = ictaltrack.evaluate(edf_path.with_suffix(".json"), result.to_dict())
events = evaluation.events
print(
    f"SzCORE event scoring (timescoring EventScoring rules): sensitivity "
    f"{events.sensitivity:.2f}, precision {events.precision:.2f}, F1 {events.f1:.2f}"
)

# %% [markdown]
# ## 7. Plots and exports
# The timeline shows every seizure as a bar (rows: onset hemisphere, colour: onset region; an
# arrow joins consecutive onsets, red when they overlap). The onset map shows one seizure's
# recruitment order on the head seen from above. The EEG page shows the signal behind the
# first detection (0-based index) in the double banana, as an EEG reader checks it.

# %%
timeline = result.plot_timeline()
timeline.savefig(output / "timeline.png", dpi=100)
if len(result):
    onset_map = result.plot_onset_map(0)
    onset_map.savefig(output / "onset_map.png", dpi=100)
    eeg_page = result.plot_seizure(0, recording, montage="double banana")
    eeg_page.savefig(output / "seizure_1_eeg.png", dpi=100)
result.to_json(output / "tutorial_detections.json")
result.to_csv(output / "tutorial_detections.csv")
result.write_annotations(output / "tutorial_detections_annotations.edf")
raw = recording.to_mne(verbose="error")
raw.set_annotations(raw.annotations + result.to_mne_annotations())
print("files:", sorted(p.name for p in output.iterdir()))
