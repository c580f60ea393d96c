// Reads QR codes from camera frames off the main thread, so the screen stays responsive while
// zxing-wasm works (10–25 ms a frame on a phone). The .wasm comes from our own origin, where the
// service worker has precached it, never from the library's default CDN.
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

export interface FrameRequest {
  id: number;
  image: ImageData;
}

export interface FrameAnswer {
  id: number;
  text?: string;
  error?: string;
}

prepareZXingModule({
  overrides: {
    locateFile: (path: string, prefix: string) =>
      path.endsWith('.wasm') ? new URL(wasmUrl, self.location.href).href : prefix + path,
  },
});

const post = (answer: FrameAnswer) => (self as unknown as Worker).postMessage(answer);

self.onmessage = async (event: MessageEvent<FrameRequest>) => {
  const { id, image } = event.data;
  try {
    const results = await readBarcodes(image, {
      formats: ['QRCode'],
      tryHarder: true,
      maxNumberOfSymbols: 1,
    });
    const found = results.find((result) => result.isValid && result.text);
    post(found ? { id, text: found.text } : { id });
  } catch (cause) {
    post({ id, error: cause instanceof Error ? cause.message : String(cause) });
  }
};
