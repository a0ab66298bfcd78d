/**
 * The one internal conversation format. Every vendor wire format (OpenAI Chat Completions,
 * Anthropic Messages, Gemini generateContent) is parsed into these types and rendered back out
 * of them, so screening, routing and the approval gate are written once.
 */

export type WireFormat = 'openai' | 'anthropic' | 'gemini';

export type Role = 'system' | 'user' | 'assistant' | 'tool';

export interface ToolDef {
  name: string;
  description: string;
  /** JSON Schema of the arguments, as the client sent it. */
  parameters: Record<string, unknown>;
}

export interface ToolCall {
  id: string;
  name: string;
  /** The arguments as JSON text, exactly as the model produced them. */
  arguments: string;
}

/** Non-text content is carried opaquely so translation can keep what it understands. */
export interface ImagePart {
  type: 'image';
  mediaType?: string;
  /** base64 data, or undefined when `url` is used */
  data?: string;
  url?: string;
}

export interface ChatMessage {
  role: Role;
  /** All text parts of the message, joined with "\n". */
  content: string;
  images?: ImagePart[];
  /** Assistant messages: the tool calls the model made. */
  toolCalls?: ToolCall[];
  /** Tool messages: the id of the call this result answers. */
  toolCallId?: string;
  /** Tool messages: the tool's name when the wire format carries it. */
  name?: string;
  /** Tool messages: the result reported an error (Anthropic is_error). */
  isError?: boolean;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export interface ChatRequest {
  model: string;
  /** System prompts (OpenAI system/developer messages, Anthropic `system`, Gemini systemInstruction). */
  system: string[];
  messages: ChatMessage[];
  tools: ToolDef[];
  toolChoice?: ToolChoice;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  stream: boolean;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error';

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export interface ChatResponse {
  id: string;
  model: string;
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage;
}

/** Streaming, in canonical form: what any vendor's stream means, independent of its framing. */
export type StreamEvent =
  | { type: 'start'; id: string; model: string }
  | { type: 'text'; text: string }
  /** First event of a tool call carries id and name; later ones only argument text. */
  | { type: 'tool_call'; index: number; id?: string; name?: string; argsDelta: string }
  | { type: 'finish'; finishReason: FinishReason; usage?: Usage };

/** One Server-Sent Event as it appears on the wire. */
export interface SseEvent {
  event?: string;
  data: string;
}
