export {
  FAKE_EMBEDDING_DIMENSIONS,
  type FakeChatReply,
  type FakeErrorReply,
  type FakeHangUpReply,
  type FakeOpenAIServer,
  type FakeReply,
  type FakeServerOptions,
  fakeEmbedding,
  type RecordedRequest,
  startFakeOpenAIServer,
} from "./fake-openai-server.ts";
