"""Training: SFT through the frozen base and reconstruction of a LoRA library (`loop.Trainer`), per-task oracle LoRAs
with PEFT (`oracle`), and their configuration (`config.TrainConfig`, torch-free).

Import the submodules directly; this package imports nothing heavy.
"""
