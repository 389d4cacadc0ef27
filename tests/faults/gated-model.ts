import type { LanguageModelV3CallOptions, LanguageModelV3StreamResult } from "@ai-sdk/provider";

import { ScriptedModel, type ScriptOptions } from "../chat/helpers";

/** A scripted model that starts streaming only once `open()` is called: the test decides when a reply finishes. */
export class GatedModel extends ScriptedModel {
  private release!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));

  constructor(script: ScriptOptions) {
    super(script);
  }

  open(): void {
    this.release();
  }

  override async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    await this.gate;
    return super.doStream(options);
  }
}
