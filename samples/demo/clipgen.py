#!/usr/bin/env python3
"""Plans the demo clips: prints one ffmpeg command per clip and writes the label lists.

Standard library only. Every clip's parameters come from random.Random("<seed>/<split>/<index>"), so a clip does not
change when the count changes, and the same seed always prints the same commands (the noise sources get their seeds
from the same generator). Labels (multi-label; none = a quiet clip):
  motion           an object (box, person-like block, vehicle-like bar) crossing the scene
  lighting_change  lights going off and/or on, a strong brightness ramp (a sudden or a slow change)
  camera_tamper    the lens covered by a dark object sliding in, sprayed, defocused, or the camera knocked to a new view
  loud_sound       an alarm sweep, a bang (short broadband burst) or a shout-like burst on a quiet track
Usage: clipgen.py --seed S --count N --out DIR [--config config.json]
Writes DIR/<split>.labels.tsv (path relative to DIR, TAB, comma-separated labels, TAB, what was drawn) and prints,
on stdout, one shell command per clip that writes DIR/<split>/<split>_NNNN.mp4.
"""
import argparse
import json
import os
import random
import shlex


def rgb(rng, lo=0, hi=255):
    return "0x%02x%02x%02x" % (rng.randint(lo, hi), rng.randint(lo, hi), rng.randint(lo, hi))


def num(x):
    return ("%.4f" % x).rstrip("0").rstrip(".")


class Graph:
    """Collects lavfi inputs and filter_complex chains for one clip."""

    def __init__(self, w, h, rate):
        self.w, self.h, self.rate = w, h, rate
        self.inputs = []
        self.chains = []
        self.count = 0

    def label(self, stem):
        self.count += 1
        return "%s%d" % (stem, self.count)

    def source(self, spec):
        """Adds a lavfi input; returns its stream specifier ("3:v" or "4:a")."""
        index = len(self.inputs) // 4
        self.inputs += ["-f", "lavfi", "-i", spec]
        return "%d:%s" % (index, "a" if spec.split("=")[0] in AUDIO_SOURCES else "v")

    def chain(self, ins, filters, stem="v"):
        out = self.label(stem)
        self.chains.append("".join("[%s]" % i for i in ins) + ",".join(filters) + "[%s]" % out)
        return out


AUDIO_SOURCES = {"anoisesrc", "aevalsrc", "sine"}


def scene(g, rng, w, h):
    """A still camera view (a frozen lavfi pattern with furniture-like boxes); returns its stream label."""
    r = g.rate
    kind = rng.choice(["room", "room", "testsrc2", "smptebars", "mandelbrot", "cellauto", "gradients"])
    size = "%dx%d" % (w, h)
    if kind == "room":
        src = "color=c=%s:s=%s:r=%d" % (rgb(rng, 60, 200), size, r)
        filters = ["trim=end_frame=1"]
        floor = rng.uniform(0.55, 0.75)
        filters.append("drawbox=x=0:y=%d:w=%d:h=%d:c=%s:t=fill" % (h * floor, w, h, rgb(rng, 30, 150)))
        for _ in range(rng.randint(1, 4)):
            bw, bh = rng.uniform(0.08, 0.3) * w, rng.uniform(0.1, 0.45) * h
            filters.append("drawbox=x=%d:y=%d:w=%d:h=%d:c=%s:t=fill" % (
                rng.uniform(0, w - bw), rng.uniform(0.1 * h, h - bh), bw, bh, rgb(rng, 10, 245)))
        filters.append("noise=alls=%d:allf=u:all_seed=%d" % (rng.randint(4, 14), rng.randint(0, 99999)))
        filters.append("gblur=sigma=%s" % num(rng.uniform(0.5, 1.5)))
    elif kind == "testsrc2":
        src = "testsrc2=s=%s:r=%d" % (size, r)
        filters = ["trim=end_frame=1", "eq=saturation=%s" % num(rng.uniform(0.3, 1.0))]
    elif kind == "smptebars":
        src = "smptebars=s=%s:r=%d" % (size, r)
        filters = ["trim=end_frame=1", "hue=h=%d:s=%s" % (rng.randint(0, 359), num(rng.uniform(0.3, 1.0)))]
    elif kind == "mandelbrot":
        src = "mandelbrot=s=%s:r=%d:maxiter=150:start_x=%s:start_y=%s:start_scale=%s" % (
            size, r, num(rng.uniform(-1.5, 0.3)), num(rng.uniform(-0.8, 0.8)), num(rng.uniform(0.5, 3.0)))
        filters = ["trim=end_frame=1"]
    elif kind == "cellauto":
        src = "cellauto=s=%s:r=%d:rule=%d:seed=%d:full=1" % (size, r, rng.choice([30, 45, 73, 90, 110, 150]),
                                                              rng.randint(0, 99999))
        filters = ["trim=end_frame=1", "format=rgb24",
                   "colorchannelmixer=rr=%s:gg=%s:bb=%s" % tuple(num(rng.uniform(0.2, 0.9)) for _ in range(3)),
                   "gblur=sigma=1"]
    else:
        n = rng.randint(2, 5)
        colours = ":".join("c%d=%s" % (i, rgb(rng)) for i in range(n))
        src = "gradients=s=%s:r=%d:n=%d:type=%d:%s:x0=%d:y0=%d:x1=%d:y1=%d:speed=0.00001" % (
            size, r, n, rng.randint(0, 3), colours, rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0, w),
            rng.uniform(0, h))
        filters = ["trim=end_frame=1"]
    if kind != "room":
        for _ in range(rng.randint(0, 2)):
            bw, bh = rng.uniform(0.1, 0.3) * w, rng.uniform(0.1, 0.3) * h
            filters.append("drawbox=x=%d:y=%d:w=%d:h=%d:c=%s:t=fill" % (
                rng.uniform(0, w - bw), rng.uniform(0, h - bh), bw, bh, rgb(rng)))
    filters += ["format=yuv420p", "loop=loop=-1:size=1:start=0", "setpts=N/%d/TB" % r]
    return g.chain([g.source(src)], filters, "scene"), kind


def ramp(t0, d):
    """0 before t0, rising linearly to 1 over d seconds."""
    return "clip((t-%s)/%s,0,1)" % (num(t0), num(max(d, 0.05)))


def add_motion(g, rng, base, w, h, dur, blind_at):
    """Overlays 1-2 objects crossing the view, each starting at least 2 s before `blind_at` (when the lens gets
    covered); returns the new stream label and a description."""
    notes = []
    for _ in range(rng.choice([1, 1, 1, 2])):
        kind = rng.choice(["box", "person", "vehicle"])
        if kind == "person":
            ow, oh = rng.uniform(0.07, 0.14) * w, rng.uniform(0.3, 0.55) * h
        elif kind == "vehicle":
            ow, oh = rng.uniform(0.25, 0.4) * w, rng.uniform(0.12, 0.22) * h
        else:
            ow, oh = rng.uniform(0.1, 0.25) * w, rng.uniform(0.1, 0.3) * h
        ow, oh = int(ow) // 2 * 2 + 2, int(oh) // 2 * 2 + 2
        filters = ["format=yuva420p"]
        if kind == "person":
            filters.append("drawbox=x=0:y=0:w=iw:h=ih/5:c=%s:t=fill" % rgb(rng, 120, 230))
        elif kind == "vehicle":
            filters.append("drawbox=x=iw/8:y=ih*2/3:w=iw*3/4:h=ih/3:c=0x202020:t=fill")
        filters.append("drawbox=x=0:y=0:w=iw:h=ih:c=%s:t=2" % rng.choice(["black", "white"]))
        dark = rng.random() < 0.5
        colour = rgb(rng, 0, 70) if dark else rgb(rng, 170, 255)
        obj = g.chain([g.source("color=c=%s:s=%dx%d:r=%d" % (colour, ow, oh, g.rate))], filters, "obj")
        cross = rng.uniform(2.5, min(7.0, dur - 1.5))
        t0 = rng.uniform(0.3, max(0.3, min(dur - cross - 0.3, blind_at - 2.0)))
        direction = rng.choice(["lr", "rl", "lr", "rl", "tb", "diag"])
        y = rng.uniform(0.2 * h, h - oh)
        x = rng.uniform(0, w - ow)
        if direction == "lr":
            xs, ys = ("-%d+%d*%s" % (ow, w + ow, ramp(t0, cross)), num(y))
        elif direction == "rl":
            xs, ys = ("%d-%d*%s" % (w, w + ow, ramp(t0, cross)), num(y))
        elif direction == "tb":
            xs, ys = (num(x), "-%d+%d*%s" % (oh, h + oh, ramp(t0, cross)))
        else:
            xs, ys = ("-%d+%d*%s" % (ow, w + ow, ramp(t0, cross)), "%d*%s" % (h - oh, ramp(t0, cross)))
        base = g.chain([base, obj], ["overlay=x='%s':y='%s':enable='between(t,%s,%s)':shortest=1" % (
            xs, ys, num(t0), num(t0 + cross))])
        notes.append("%s-%s@%s+%s" % (kind, direction, num(round(t0, 1)), num(round(cross, 1))))
    return base, notes


def lighting(rng, dur, change, blind_at):
    """An eq filter: a lighting change (starting at least 2 s before `blind_at`) when `change`, else steady light
    (sometimes a faint flicker)."""
    if not change:
        if rng.random() < 0.3:
            a = rng.uniform(0.01, 0.03)
            return "eq=brightness='%s*sin(%s*t)':eval=frame" % (num(a), num(rng.uniform(0.5, 3))), "steady-faint"
        return None, "steady"
    kind = rng.choice(["off", "on", "off_on", "on_off", "ramp_down", "ramp_up"])
    depth = rng.uniform(0.3, 0.55)
    fade = rng.uniform(0.1, 1.0)
    t0 = rng.uniform(1.5, max(1.5, min(dur * 0.55, blind_at - 2.0)))
    t1 = rng.uniform(t0 + 2.0, dur - 1.0)
    if kind == "off":
        k = ramp(t0, fade)
    elif kind == "on":
        k = "(1-%s)" % ramp(t0, fade)
    elif kind == "off_on":
        k = "(%s-%s)" % (ramp(t0, fade), ramp(t1, fade))
    elif kind == "on_off":
        k = "(1-%s+%s)" % (ramp(t0, fade), ramp(t1, fade))
    elif kind == "ramp_down":
        k = ramp(t0 - 1.0, rng.uniform(3.0, dur - t0))
    else:
        k = "(1-%s)" % ramp(t0 - 1.0, rng.uniform(3.0, dur - t0))
    sign = -1 if kind != "ramp_up" or rng.random() < 0.8 else 1
    expr_b = "%s*%s" % (num(sign * depth), k)
    expr_c = "1-%s*%s" % (num(rng.uniform(0.2, 0.5)), k)
    return "eq=brightness='%s':contrast='%s':eval=frame" % (expr_b, expr_c), "%s@%s" % (kind, num(round(t0, 1)))


def tamper(g, rng, base, w, h, dur, kind, t0):
    """Covers, sprays or defocuses the view from t0 on; returns the new stream label."""
    if kind == "defocus":
        return g.chain([base], ["gblur=sigma=%s:steps=3:enable='gte(t,%s)'" % (
            num(rng.uniform(0.05, 0.09) * w), num(t0))])
    slide = rng.uniform(0.3, 1.5)
    cover = rng.uniform(0.85, 1.0) if kind == "cover" else 1.0
    side = rng.choice(["left", "right", "top", "bottom"])
    r = ramp(t0, slide)
    if side == "left":
        xs, ys = "-%d+%d*%s" % (w, w * cover, r), "0"
    elif side == "right":
        xs, ys = "%d-%d*%s" % (w, w * cover, r), "0"
    elif side == "top":
        xs, ys = "0", "-%d+%d*%s" % (h, h * cover, r)
    else:
        xs, ys = "0", "%d-%d*%s" % (h, h * cover, r)
    if kind == "cover":
        colour, alpha = rgb(rng, 5, 45), 1.0
    else:
        colour, alpha = rgb(rng, 40, 230), rng.uniform(0.55, 0.8)
        base = g.chain([base], ["gblur=sigma=%s:enable='gte(t,%s)'" % (num(rng.uniform(0.01, 0.025) * w),
                                                                         num(t0))])
    sheet = g.chain([g.source("color=c=%s:s=%dx%d:r=%d" % (colour, w, h, g.rate))],
                    ["format=rgba", "colorchannelmixer=aa=%s" % num(alpha), "format=yuva420p"], "sheet")
    return g.chain([base, sheet], ["overlay=x='%s':y='%s':enable='gte(t,%s)':shortest=1" % (xs, ys, num(t0))])


def video(g, rng, labels, dur):
    """Builds the whole picture; returns (output label, notes)."""
    w, h = g.w, g.h
    notes = []
    m = int(0.05 * w) // 2 * 2
    view, kind = scene(g, rng, w + 2 * m, h + 2 * m)
    notes.append("scene=" + kind)
    tamper_kind, blind_at = None, dur
    if "camera_tamper" in labels:
        tamper_kind = rng.choice(["cover", "cover", "spray", "defocus", "knocked"])
        others = any(name in labels for name in ("motion", "lighting_change"))
        t_tamper = rng.uniform(dur * 0.6, dur * 0.8) if others else rng.uniform(1.5, dur * 0.6)
        notes.append("tamper=%s@%s" % (tamper_kind, num(round(t_tamper, 1))))
        if tamper_kind != "knocked":
            blind_at = t_tamper
    if tamper_kind == "knocked":
        other, kind2 = scene(g, rng, w + 2 * m, h + 2 * m)
        view = g.chain([view, other], ["overlay=enable='gte(t,%s)':shortest=1" % num(t_tamper)])
        shake = "%d+if(between(t,%s,%s),%d*sin(%%d*t),0)" % (m, num(t_tamper - 0.5), num(t_tamper + 0.4), m)
        view = g.chain([view], ["crop=%d:%d:x='%s':y='%s'" % (w, h, shake % 47, shake % 31)])
    else:
        view = g.chain([view], ["crop=%d:%d:%d:%d" % (w, h, m, m)])
    if rng.random() < 0.12 and "motion" not in labels:
        tw, th = int(w * 0.16) // 2 * 2, int(h * 0.14) // 2 * 2
        tv = g.chain([g.source("testsrc2=s=%dx%d:r=%d" % (tw, th, g.rate))], ["format=yuv420p"], "tv")
        view = g.chain([view, tv], ["overlay=x=%d:y=%d:shortest=1" % (rng.uniform(0, w - tw), rng.uniform(0, h / 2))])
        notes.append("tv-inset")
    if "motion" in labels:
        view, moved = add_motion(g, rng, view, w, h, dur, blind_at)
        notes += ["motion=" + n for n in moved]
    eq, light = lighting(rng, dur, "lighting_change" in labels, blind_at)
    notes.append("light=" + light)
    if eq:
        view = g.chain([view], [eq])
    if tamper_kind in ("cover", "spray", "defocus"):
        view = tamper(g, rng, view, w, h, dur, tamper_kind, t_tamper)
    grain = rng.randint(1, 6)
    view = g.chain([view], ["noise=alls=%d:allf=t:all_seed=%d" % (grain, rng.randint(0, 99999)),
                            "format=yuv420p", "trim=duration=%s" % num(dur)])
    return view, notes


def audio(g, rng, loud, dur, rate):
    """A quiet room tone, plus an alarm/bang/shout when `loud`; returns (output label, notes)."""
    notes = []
    color = rng.choice(["pink", "brown", "white"])
    floor = rng.uniform(0.003, 0.02) if color != "white" else rng.uniform(0.002, 0.008)
    bg = g.source("anoisesrc=color=%s:amplitude=%s:seed=%d:sample_rate=%d:duration=%s" % (
        color, num(floor), rng.randint(0, 99999), rate, num(dur)))
    terms = []
    if rng.random() < 0.3:
        terms.append("%s*sin(2*PI*%d*t)" % (num(rng.uniform(0.005, 0.02)), rng.choice([50, 60, 100, 120])))
        notes.append("hum")
    if not loud and rng.random() < 0.3:
        t0 = rng.uniform(0.5, dur - 1.0)
        terms.append("%s*sin(2*PI*%d*t)*between(t,%s,%s)" % (
            num(rng.uniform(0.01, 0.04)), rng.randint(600, 2500), num(t0), num(t0 + rng.uniform(0.1, 0.4))))
        notes.append("soft-beep")
    if loud:
        for _ in range(rng.choice([1, 1, 2])):
            kind = rng.choice(["alarm", "bang", "shout"])
            t0 = rng.uniform(0.5, dur - 2.0)
            a = rng.uniform(0.3, 0.8)
            if kind == "alarm":
                d = rng.uniform(1.0, 4.0)
                f0, df, fm = rng.uniform(600, 1200), rng.uniform(200, 500), rng.uniform(0.7, 3.0)
                terms.append("%s*between(t,%s,%s)*sin(2*PI*(%s*t-%s*cos(2*PI*%s*t)))" % (
                    num(a), num(t0), num(t0 + d), num(f0), num(df / (2 * 3.14159265 * fm)), num(fm)))
            elif kind == "bang":
                d = rng.uniform(0.05, 0.3)
                terms.append("%s*gte(t,%s)*exp(-(t-%s)/%s)*(2*random(0)-1)" % (
                    num(min(1.0, a + 0.2)), num(t0), num(t0), num(d)))
            else:
                d = rng.uniform(0.4, 1.5)
                f0 = rng.uniform(160, 380)
                env = "between(t,%s,%s)*pow(sin(PI*(t-%s)/%s),2)" % (num(t0), num(t0 + d), num(t0), num(d))
                voice = "+".join("%s*sin(2*PI*%s*(t+0.004*sin(2*PI*5*t)))" % (num(amp), num(f0 * k))
                                 for k, amp in ((1, 0.5), (2, 0.35), (3, 0.25), (4, 0.15), (5, 0.1)))
                terms.append("%s*%s*(%s+0.15*(2*random(1)-1))" % (num(a * 1.4), env, voice))
            notes.append("%s@%s" % (kind, num(round(t0, 1))))
    expr = "+".join(terms) if terms else "0"
    events = g.source("aevalsrc=exprs='%s':s=%d:d=%s" % (expr, rate, num(dur)))
    layout = rng.choice(["mono", "stereo"])
    out = g.chain([bg, events], ["amix=inputs=2:normalize=0:duration=shortest",
                                 "alimiter=limit=0.95:level=0", "aformat=channel_layouts=%s" % layout], "aud")
    return out, notes


def plan(cfg, seed, split, index, out_dir):
    rng = random.Random("%d/%s/%d" % (seed, split, index))
    labels = [name for name in cfg["labels"] if rng.random() < cfg["label_probability"]]
    w, h = rng.choice(cfg["sizes"])
    rate = rng.choice(cfg["frame_rates"])
    dur = round(rng.uniform(*cfg["duration_seconds"]), 1)
    g = Graph(w, h, rate)
    v, vnotes = video(g, rng, labels, dur)
    a, anotes = audio(g, rng, "loud_sound" in labels, dur, rng.choice(cfg["audio_sample_rates"]))
    rel = "%s/%s_%04d.mp4" % (split, split, index)
    cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"] + g.inputs + [
        "-filter_complex", ";".join(g.chains), "-map", "[%s]" % v, "-map", "[%s]" % a,
        "-t", num(dur), "-c:v", "libx264", "-preset", "ultrafast", "-crf", "28", "-g", str(2 * rate),
        "-threads", "1", "-c:a", "aac", "-b:a", "48k", "-fflags", "+bitexact", "-flags", "+bitexact",
        os.path.join(out_dir, rel)]
    note = "%dx%d@%d %ss %s %s" % (w, h, rate, num(dur), " ".join(vnotes), " ".join(anotes) or "quiet")
    return shlex.join(cmd), rel, labels, note


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--count", type=int, required=True, help="clips over all splits")
    parser.add_argument("--out", required=True)
    parser.add_argument("--config", default=os.path.join(here, "config.json"))
    args = parser.parse_args()
    with open(args.config) as f:
        cfg = json.load(f)
    weights = cfg["split_weights"]
    total = sum(weights.values())
    sizes = {s: args.count * n // total for s, n in weights.items()}
    sizes["train"] += args.count - sum(sizes.values())
    for split, n in sizes.items():
        os.makedirs(os.path.join(args.out, split), exist_ok=True)
        with open(os.path.join(args.out, split + ".labels.tsv"), "w") as lines:
            for i in range(n):
                cmd, rel, labels, note = plan(cfg, args.seed, split, i, args.out)
                lines.write("%s\t%s\t%s\n" % (rel, ",".join(labels), note))
                print(cmd)


if __name__ == "__main__":
    main()
