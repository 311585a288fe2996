#!/usr/bin/env python3
"""Reference numbers for Vigil's EfficientNet-Lite0 extractor and PyTorch checkpoint reader, made by PyTorch.

Makes (or reuses) a venv with torch (CPU), efficientnet-lite-pytorch 0.1.0 and scikit-image from PyPI — never part of
the project's setup — and writes:
  Tests/FeaturesTests/Fixtures/efficientnet/reference.safetensors
      frames   U8  [4, 224, 224, 3]  three photographs from scikit-image's data (astronaut, coffee, chelsea), centre
                                     crops resized to 224×224 with PIL bilinear, and one synthetic frame (gradients
                                     and a seeded noise pattern)
      features F32 [4, 1280]         PyTorch's pooled features (extract_features → adaptive average pool)
      logits   F32 [4, 1000]         PyTorch's ImageNet logits
    metadata: generator, torch and package versions, top-1 classes.
  Tests/FormatsTests/Fixtures/torch/  small checkpoints of another network (legacy and zip serialization), their
      values (tiny.safetensors), and a legacy checkpoint whose pickle names os.system (refused, never run).
Input to the network: (x − 127) / 128 per RGB channel, NCHW, as EfficientNet-Lite's TensorFlow preprocessing.
Usage: python3 tools/make_efficientnet_fixtures.py [--venv DIR]   (needs models/efficientnet-lite0-57934424.pth:
       bash scripts/fetch_weights.sh)
"""
import json
import os
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WEIGHTS = os.path.join(ROOT, "models", "efficientnet-lite0-57934424.pth")
PACKAGES = ["torch", "efficientnet-lite-pytorch==0.1.0", "scikit-image", "pillow", "numpy"]


def ensure_venv():
    venv = os.environ.get("VIGIL_EFFICIENTNET_VENV", "/tmp/vigil-efficientnet-venv")
    if "--venv" in sys.argv:
        venv = sys.argv[sys.argv.index("--venv") + 1]
    python = os.path.join(venv, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(venv):
        return
    if not os.path.exists(python):
        subprocess.check_call([sys.executable, "-m", "venv", venv])
        subprocess.check_call([python, "-m", "pip", "install", "--quiet"] + PACKAGES)
    os.execv(python, [python] + sys.argv)


def write_safetensors(path, tensors, metadata):
    """tensors: name → numpy array (uint8 or float32), written in name order, 8-byte aligned header."""
    import numpy as np
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name in sorted(tensors):
        array = np.ascontiguousarray(tensors[name])
        dtype = {"uint8": "U8", "float32": "F32"}[str(array.dtype)]
        raw = array.astype(array.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":"))
    text += " " * ((8 - (8 + len(text)) % 8) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)) + text.encode() + b"".join(blobs))


def frames():
    import numpy as np
    from PIL import Image
    from skimage import data
    out = []
    for name in ["astronaut", "coffee", "chelsea"]:
        image = getattr(data, name)()[:, :, :3]
        h, w = image.shape[:2]
        side = min(h, w)
        crop = image[(h - side) // 2:(h - side) // 2 + side, (w - side) // 2:(w - side) // 2 + side]
        out.append(np.asarray(Image.fromarray(crop).resize((224, 224), Image.BILINEAR), dtype=np.uint8))
    rng = np.random.default_rng(16)
    y, x = np.mgrid[0:224, 0:224]
    synthetic = np.stack([x, y, (x + y) // 2], axis=-1) + rng.integers(-40, 40, (224, 224, 3))
    out.append(np.clip(synthetic, 0, 255).astype(np.uint8))
    return np.stack(out)


def network_fixtures():
    import numpy as np
    import torch
    import efficientnet_lite_pytorch
    from efficientnet_lite_pytorch import EfficientNet
    model = EfficientNet.from_name("efficientnet-lite0")
    model.load_state_dict(torch.load(WEIGHTS, map_location="cpu"))
    model.eval()
    images = frames()
    x = torch.from_numpy((images.astype(np.float32) - 127.0) / 128.0).permute(0, 3, 1, 2).contiguous()
    with torch.no_grad():
        features = torch.nn.functional.adaptive_avg_pool2d(model.extract_features(x), 1).flatten(1)
        logits = model(x)
    top1 = logits.argmax(1).tolist()
    folder = os.path.join(ROOT, "Tests", "FeaturesTests", "Fixtures", "efficientnet")
    os.makedirs(folder, exist_ok=True)
    write_safetensors(os.path.join(folder, "reference.safetensors"),
                      {"frames": images, "features": features.numpy(), "logits": logits.numpy()},
                      {"generator": "tools/make_efficientnet_fixtures.py", "torch": torch.__version__,
                       "efficientnet_lite_pytorch": "0.1.0", "weights": os.path.basename(WEIGHTS),
                       "frames": "astronaut, coffee, chelsea (scikit-image data), synthetic", "top1": json.dumps(top1)})
    print("top-1:", top1, file=sys.stderr)


def checkpoint_fixtures():
    import io
    import pickle
    import numpy as np
    import torch
    folder = os.path.join(ROOT, "Tests", "FormatsTests", "Fixtures", "torch")
    os.makedirs(folder, exist_ok=True)
    torch.manual_seed(16)
    tiny = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.Linear(5, 2))
    state = tiny.state_dict()
    state["0.weight"] = state["0.weight"].permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2)  # a strided tensor
    state["1.running_var"].uniform_(0.5, 2.0)
    torch.save(state, os.path.join(folder, "tiny_legacy.pth"), _use_new_zipfile_serialization=False)
    torch.save(state, os.path.join(folder, "tiny_zip.pth"))
    write_safetensors(os.path.join(folder, "tiny.safetensors"),
                      {k: v.contiguous().to(torch.float32).reshape(v.shape).numpy() for k, v in state.items()},
                      {"generator": "tools/make_efficientnet_fixtures.py", "torch": torch.__version__,
                       "order": json.dumps(list(state.keys()))})

    class Shell:  # a pickle that would run a command if it were unpickled by Python
        def __reduce__(self):
            return (os.system, ("echo vigil-must-not-run-this",))
    buffer = io.BytesIO()
    for head in [0x1950a86a20f9469cfc6c, 1001, {"protocol_version": 1001, "little_endian": True}]:
        pickle.dump(head, buffer, protocol=2)
    pickle.dump({"weight": Shell()}, buffer, protocol=2)
    pickle.dump([], buffer, protocol=2)
    with open(os.path.join(folder, "evil_global.pth"), "wb") as out:
        out.write(buffer.getvalue())


if __name__ == "__main__":
    ensure_venv()
    network_fixtures()
    checkpoint_fixtures()
