// Types of t2l.mjs: t2l-edge without Python (a task text -> a GGUF LoRA adapter -> an answer from Gemma 3 270M).

/** Bad input: a missing or damaged bundle or model, a task text too long, an unknown prompt mode. */
export class BundleError extends Error {}

export type PromptMode = 'instructed' | 'bare';

export interface PromptFormat {
  template(input: string): string;
  withDescription(description: string, prompt: string): string;
  readonly stop: readonly string[];
}

export const PROMPT_FORMATS: Readonly<Record<string, PromptFormat>>;
export const PROMPT_MODES: readonly PromptMode[];
export const BASE_MODEL_FILE: string;
export const DEFAULTS: Readonly<{ maxTokens: number; context: number; threads: number; llamaThreads: number }>;

/** The mode a prompt is rendered in: `override`, else `recorded` (the bundle's), else 'bare'. */
export function effectivePromptMode(override: PromptMode | null | undefined, recorded?: string | null): PromptMode;
/** A task card's description (its lines before the first `Input: ` line); a plain task text is its own. */
export function cardDescription(task: string): string | null;
/** One solved example of a task card. */
export interface Example {
  input: string;
  /** One line, not empty. */
  output: string;
}

/** A task card: a description, examples, or both. */
export interface TaskCard {
  description?: string | null;
  examples?: Array<Example | [string, string]>;
}

/** What a generator reads: a task text, or a card. */
export type Task = string | TaskCard;

/** A card's text as t2l-edge's `render_card` writes it (format card-v1): the description, then Input:/Output: lines. */
export function renderCard(description: string | null | undefined, examples?: Array<Example | [string, string]>): string;
/** A task text as it is, a card rendered. */
export function taskText(task: Task): string;
/** Examples from a file as `t2l-edge --examples FILE` reads them (JSONL, or JSON: a list or an object with "examples"). */
export function readExamples(file: string): Promise<Example[]>;

/** The prompt for `text` with an adapter generated from `task`, as t2l-edge's Python renders it. */
export function renderPrompt(formatName: string, text: string, task: string, mode: PromptMode): string;

/** $T2L_EDGE_CACHE, else $XDG_CACHE_HOME/t2l-edge, else ~/.cache/t2l-edge. */
export function cacheDir(): string;
/** What to do when the base model is missing. */
export const MODEL_HINT: string;
/** Throws a BundleError naming `what` and how to get it unless `file` is a file. */
export function requireFile(file: string | null | undefined, what: string, hint: string): void;
/** Gemma 3 270M where t2l-edge puts it on first use. */
export function defaultModelPath(): string;
/** The shipped hypernetwork's CPU bundle in t2l-edge's cache (the newest), or null. */
export function defaultBundleDir(): string | null;

export interface BundleManifest {
  prompt_format: string;
  prompt_mode?: PromptMode;
  gguf: { recipe: string; template: string; task_offset: number; alignment: number; data_bytes: number };
  [field: string]: unknown;
}

export class AdapterGenerator {
  /** Open a bundle: check every file's sha256, load the tokenizer and the three ONNX graphs. */
  static open(bundleDir: string | null, options?: { threads?: number; verify?: boolean }): Promise<AdapterGenerator>;
  readonly manifest: BundleManifest;
  readonly promptFormat: string;
  readonly promptMode: PromptMode;
  /** A task text or card -> the bytes of its GGUF adapter, in the bundle's recipe. */
  generateGguf(task: Task): Promise<Buffer>;
  /** Free the ONNX Runtime sessions. */
  release(): Promise<void>;
}

/** The adapter file from the bundle's template, the task text and the GGUF graph's output (docs/gguf-template.md). */
export function assemble(info: BundleManifest['gguf'], template: Buffer, task: string, data: Buffer): Buffer;

export class BaseModel {
  static load(modelPath: string, options?: { threads?: number; context?: number }): Promise<BaseModel>;
  /** Greedy completion of `prompt` with the adapter (GGUF bytes; null: none), stopping at `stop`. */
  complete(prompt: string, adapter: Buffer | null, options?: { maxTokens?: number; stop?: string[] }): Promise<string>;
  dispose(): Promise<void>;
}

export interface GenerateOptions {
  /** A bundle directory (default: t2l-edge's default bundle). */
  bundle?: string;
  /** ONNX Runtime threads. */
  threads?: number;
}

export interface ApplyOptions extends GenerateOptions {
  /** The base model GGUF (default: t2l-edge's Gemma 3 270M). */
  model?: string;
  /** Override the bundle's prompt mode. */
  promptMode?: PromptMode;
  /** Send the input as it is, not in the bundle's prompt format. */
  raw?: boolean;
  maxTokens?: number;
  context?: number;
  llamaThreads?: number;
}

export interface ApplyResult {
  /** The answer, trimmed (as `t2l-edge apply` prints it). */
  answer: string;
  /** What the model was given. */
  prompt: string;
  promptMode: PromptMode | null;
  adapterBytes: number;
  recipe: string;
  generateMs: number;
  answerMs: number;
}

/** The GGUF adapter for a task text or card; the bundle opens on the first call and stays open. */
export function generate(task: Task, options?: GenerateOptions): Promise<Buffer>;
/** Generate the task's adapter and answer `input` with it (greedy, in the bundle's prompt format and mode). */
export function apply(task: Task, input: string, options?: ApplyOptions): Promise<ApplyResult>;
/** Free every bundle and model that generate() and apply() opened. */
export function close(): Promise<void>;
