"""`cinemesh`: run the embedded mesh and generate videos from the terminal.

cinemesh up [--replicas video=2] [--tls]   start broker, Ray Serve and every service on 127.0.0.1
cinemesh generate "PROMPT" -o F     submit, watch per-stage progress, download the MP4
cinemesh status JOB                 show a job
cinemesh save ID                    save a finished video: the draft no longer expires after 24 h
cinemesh parse "PROMPT" --json      print the ScenePlan the prompt stage would make
cinemesh down                       stop the mesh
cinemesh demo -o F                  up + generate the README example + down
cinemesh cameo start HANDLE         get a live challenge to record for your cameo
cinemesh cameo enroll ID FILE.mp4   verify the recording and enroll the cameo
cinemesh cameo share ID --audience  choose who may mention it (only-me, approved, everyone)
cinemesh cameo uses ID | revoke ID  list the jobs that used it | revoke it
cinemesh dlq list [--topic T]       dead-lettered records (TOPIC:PARTITION:OFFSET, job, stage, error)
cinemesh dlq replay ID | --all      re-open the failed job and run it again from the stage that failed
cinemesh admin account create|list|set-tier|grant-credits   manage accounts (needs an admin key)
cinemesh admin key create|list|revoke|rotate                 manage API keys; a new key is printed once
cinemesh webhooks create URL | list | delete ID | deliveries ID   webhook endpoints; the secret is printed once
cinemesh usage [--start --end --format csv|json]            the account's finished jobs and what each cost
cinemesh billing ACCOUNT credits|usd                         how an account pays (needs an admin key)

cinemesh --ca CA.pem COMMAND        dial the mesh over TLS, trusting that CA (a local `up --tls` mesh: automatic)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import grpc
import requests
from google.protobuf import json_format
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cinemesh.cli import admin, billing
from cinemesh.cli.dlq import read_dead_letters, replay
from cinemesh.mesh.launcher import EmbeddedMesh, MeshInfo, parse_replicas
from cinemesh.runtime.bus import Publisher
from cinemesh.runtime.config import Settings, TlsFiles
from cinemesh.runtime.jobstore import JobStore
from cinemesh.runtime.tls import open_channel
from cinemesh.v1 import admin_pb2_grpc, common_pb2, gateway_pb2, gateway_pb2_grpc, identity_pb2, identity_pb2_grpc

DEMO_PROMPT = (
    "Medium shot of an old lighthouse keeper on a beach at golden hour, waves rolling in. "
    'He says "The storm will pass by morning." A bell tolls at 4 s. Slow pan, cinematic, calm orchestral music.'
)
console = Console(stderr=True)


def _state_dir() -> Path:
    return Path(os.environ.get("CINEMESH_STATE_DIR", ".cinemesh")).resolve()


def _channel(
    args: argparse.Namespace, address: str, info: MeshInfo | None, options: list[tuple[str, object]] | None = None
) -> grpc.Channel:
    """TLS when asked (`--tls`: the system roots), given a CA (`--ca`, CINEMESH_TLS_CA_FILE) or when the local mesh
    runs on TLS (its CA); plain text otherwise."""
    ca = getattr(args, "ca", None) or os.environ.get("CINEMESH_TLS_CA_FILE", "").strip()
    if not ca and info is not None and info.tls:
        ca = info.ca_file
    if ca and not Path(ca).is_file():
        raise SystemExit(f"--ca {ca}: no such file")
    use_tls = bool(ca) or bool(getattr(args, "tls", False))
    return open_channel(address, TlsFiles(ca_file=ca), options=options or (), use_tls=use_tls)


def _connect(args: argparse.Namespace) -> tuple[gateway_pb2_grpc.JobServiceStub, list[tuple[str, str]], grpc.Channel]:
    info = MeshInfo.load(_state_dir())
    address = os.environ.get("CINEMESH_GATEWAY") or (info.gateway_address if info else None)
    api_key = os.environ.get("CINEMESH_API_KEY") or (info.api_key if info else None)
    if not address or not api_key:
        raise SystemExit("no mesh found: run `cinemesh up`, or set CINEMESH_GATEWAY and CINEMESH_API_KEY")
    channel = _channel(args, address, info)
    return gateway_pb2_grpc.JobServiceStub(channel), [("authorization", f"Bearer {api_key}")], channel


def _identity(args: argparse.Namespace) -> tuple[identity_pb2_grpc.IdentityServiceStub, list[tuple[str, str]]]:
    info = MeshInfo.load(_state_dir())
    address = os.environ.get("CINEMESH_IDENTITY") or (
        f"127.0.0.1:{info.services['identity'].grpc_port}" if info else None
    )
    api_key = os.environ.get("CINEMESH_API_KEY") or (info.api_key if info else None)
    if not address or not api_key:
        raise SystemExit("no mesh found: run `cinemesh up`, or set CINEMESH_IDENTITY and CINEMESH_API_KEY")
    channel = _channel(args, address, info, options=[("grpc.max_send_message_length", 16 * 1024 * 1024)])
    return identity_pb2_grpc.IdentityServiceStub(channel), [("authorization", f"Bearer {api_key}")]


_AUDIENCES = {
    "only-me": identity_pb2.CAMEO_AUDIENCE_ONLY_ME,
    "approved": identity_pb2.CAMEO_AUDIENCE_APPROVED,
    "everyone": identity_pb2.CAMEO_AUDIENCE_EVERYONE,
}


def _print_cameo(cameo: identity_pb2.Cameo) -> None:
    audience = identity_pb2.CameoAudience.Name(cameo.audience).removeprefix("CAMEO_AUDIENCE_").lower()
    console.print(f"@{cameo.handle} ({cameo.display_name}) id {cameo.cameo_id}: mentionable by {audience}")
    if cameo.approved_account_ids:
        console.print(f"approved: {', '.join(cameo.approved_account_ids)}")
    if cameo.HasField("voice"):
        console.print(
            f"voice: median F0 {cameo.voice.median_f0_hz:.0f} Hz, "
            f"{cameo.voice.speaking_rate_syllables_per_second:.1f} syllables/s"
        )


def cmd_cameo(args: argparse.Namespace) -> int:
    if args.action == "enroll" and not args.file:
        raise SystemExit("cameo enroll needs the recording: cinemesh cameo enroll CHALLENGE_ID FILE.mp4")
    stub, metadata = _identity(args)
    try:
        if args.action == "start":
            challenge = stub.StartEnrollment(
                identity_pb2.StartEnrollmentRequest(handle=args.target, display_name=args.name or ""),
                metadata=metadata,
                timeout=10,
            ).challenge
            moves = ", ".join(identity_pb2.HeadMove.Name(m).removeprefix("HEAD_MOVE_").lower() for m in challenge.moves)
            console.print(
                f"challenge {challenge.challenge_id} (valid until {challenge.expires_at.ToDatetime():%H:%M:%S} UTC)\n"
                f"Record 10–20 s facing the camera: turn your head {moves} (back to the camera between turns), "
                f'then say: "{challenge.phrase}"'
            )
        elif args.action == "enroll":
            request = identity_pb2.CompleteEnrollmentRequest(
                challenge_id=args.target, recording=Path(args.file).read_bytes()
            )
            _print_cameo(stub.CompleteEnrollment(request, metadata=metadata, timeout=120).cameo)
        elif args.action == "share":
            request = identity_pb2.SetCameoConsentRequest(
                cameo_id=args.target, audience=_AUDIENCES[args.audience], approved_account_ids=args.approve
            )
            _print_cameo(stub.SetCameoConsent(request, metadata=metadata, timeout=10).cameo)
        elif args.action == "uses":
            uses = stub.ListCameoUses(identity_pb2.ListCameoUsesRequest(cameo_id=args.target), metadata=metadata)
            for use in uses.uses:
                console.print(f"{use.used_at.ToDatetime():%Y-%m-%d %H:%M:%S}  job {use.job_id}  by {use.account_id}")
        else:
            revoked = stub.RevokeCameo(identity_pb2.RevokeCameoRequest(cameo_id=args.target), metadata=metadata)
            console.print(f"revoked; {len(revoked.failed_job_ids)} queued job(s) failed and refunded")
    except grpc.RpcError as exc:
        console.print(f"[red]{exc.code().name}[/red]: {exc.details()}")
        return 1
    return 0


def cmd_admin(args: argparse.Namespace) -> int:
    _, metadata, channel = _connect(args)
    try:
        admin.run(args, admin_pb2_grpc.AdminServiceStub(channel), metadata, console)
    except grpc.RpcError as exc:
        console.print(f"[red]{exc.code().name}[/red]: {exc.details()}")
        return 1
    finally:
        channel.close()
    return 0


def cmd_up(args: argparse.Namespace) -> int:
    try:
        replicas = parse_replicas(args.replicas or os.environ.get("CINEMESH_REPLICAS", ""))
    except ValueError as exc:
        raise SystemExit(str(exc)) from None
    started = time.monotonic()
    with console.status("starting broker, Ray Serve and services…"):
        info = EmbeddedMesh(_state_dir(), replicas=replicas, tls=args.up_tls).start()
    table = Table(title=f"cinemesh is up ({time.monotonic() - started:.1f} s)")
    table.add_column("component")
    table.add_column("listens on")
    table.add_row("kafka broker (tansu)", info.kafka_bootstrap)
    table.add_row("ray serve (http)", info.ray_serve_url)
    table.add_row("gateway http/json", info.gateway_http_url)
    for name, endpoint in info.services.items():
        table.add_row(name, f"grpc 127.0.0.1:{endpoint.grpc_port}, metrics :{endpoint.metrics_port}/metrics")
    console.print(table)
    console.print(f"API key: {info.api_key}\nlogs: {info.state_dir}/logs")
    if info.tls:
        console.print(f"TLS everywhere; CA certificate (for --ca, curl --cacert): {info.ca_file}")
    return 0


def _operator_settings() -> Settings:
    """The mesh's broker and database (from mesh.json), or the CINEMESH_* environment of a deployment."""
    env = dict(os.environ)
    info = MeshInfo.load(_state_dir())
    if info is not None:
        env.setdefault("CINEMESH_KAFKA_BOOTSTRAP", info.kafka_bootstrap)
        env.setdefault("CINEMESH_DATABASE_URL", info.database_url)
    return Settings.from_env("cli", env)


def cmd_dlq(args: argparse.Namespace) -> int:
    settings = _operator_settings()
    letters = read_dead_letters(settings.kafka_bootstrap, args.topic, settings.kafka_security)
    if args.action == "list":
        table = Table(title=f"{len(letters)} dead-lettered record(s)")
        for column in ("id", "job", "stage", "attempts", "error"):
            table.add_column(column)
        for letter in letters:
            error = f"{letter.error_class}: {letter.error_message[:120]}"
            table.add_row(letter.record_id, letter.job_id, letter.stage, str(letter.attempts), error)
        console.print(table)
        return 0
    if not args.all and not args.id:
        raise SystemExit("dlq replay needs a record id (TOPIC:PARTITION:OFFSET, see `cinemesh dlq list`) or --all")
    chosen = letters if args.all else [letter for letter in letters if letter.record_id == args.id]
    if not chosen:
        raise SystemExit(f"no dead-lettered record {args.id!r}; `cinemesh dlq list` shows what there is")
    store, publisher = JobStore(settings.database_url), Publisher(settings)
    try:
        for letter in chosen:
            console.print(replay(store, publisher, letter))
    finally:
        publisher.close()
        store.dispose()
    return 0


def cmd_down(_: argparse.Namespace) -> int:
    EmbeddedMesh(_state_dir()).stop()
    console.print("cinemesh is down")
    return 0


def _spec(args: argparse.Namespace) -> common_pb2.GenerationSpec:
    spec = common_pb2.GenerationSpec(prompt=args.prompt, resolution=args.resolution, embed_prompt=args.embed_prompt)
    if getattr(args, "storyboard", None):
        scenes = json.loads(Path(args.storyboard).read_text())
        for scene in scenes:
            entry = spec.storyboard.add(prompt=scene["prompt"])
            if scene.get("duration") is not None:
                entry.duration_seconds = float(scene["duration"])
    if getattr(args, "license_reference", None):
        spec.license_reference = args.license_reference
    if args.duration is not None:
        spec.duration_seconds = args.duration
    if args.fps is not None:
        spec.fps = args.fps
    if args.seed is not None:
        spec.seed = args.seed
    if args.portrait:
        spec.orientation = common_pb2.ORIENTATION_PORTRAIT
    return spec


def generate(prompt_args: argparse.Namespace) -> int:
    stub, metadata, channel = _connect(prompt_args)
    started = time.monotonic()
    try:
        submitted = stub.SubmitJob(
            gateway_pb2.SubmitJobRequest(request_id=str(uuid.uuid4()), spec=_spec(prompt_args)),
            metadata=metadata,
            timeout=30,
        )
        job = submitted.job
        console.print(f"job {job.job_id}: {job.credits_reserved} credits reserved")
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>5.1f}%"),
            TextColumn("{task.fields[eta]}"),
            TimeElapsedColumn(),
            console=console,
        ) as bar:
            task = bar.add_task("queued", total=100, eta="")
            for update in stub.WatchJob(gateway_pb2.WatchJobRequest(job_id=job.job_id), metadata=metadata):
                job = update.job
                stage = common_pb2.Stage.Name(update.current_stage).removeprefix("STAGE_").lower()
                state = common_pb2.JobState.Name(job.state).removeprefix("JOB_STATE_").lower()
                eta = f"eta {update.eta_seconds:.0f}s" if update.eta_seconds >= 0 else "eta ?"
                bar.update(
                    task,
                    completed=update.progress_percent,
                    eta=eta,
                    description=f"{state}" + (f" ({stage})" if stage != "unspecified" else ""),
                )
        if job.state != common_pb2.JOB_STATE_COMPLETED:
            stage = common_pb2.Stage.Name(job.failure_stage).removeprefix("STAGE_").lower()
            console.print(
                f"[red]job {job.job_id} {common_pb2.JobState.Name(job.state)}[/red] at {stage}: {job.failure_reason}"
            )
            return 1
        output = Path(prompt_args.output)
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("wb") as f:
            for chunk in stub.DownloadJob(gateway_pb2.DownloadJobRequest(job_id=job.job_id), metadata=metadata):
                f.write(chunk.chunk)
    except grpc.RpcError as exc:
        console.print(f"[red]{exc.code().name}[/red]: {exc.details()}")
        return 2
    finally:
        channel.close()
    console.print(
        f"wrote {output.resolve()} ({output.stat().st_size} bytes) in {time.monotonic() - started:.1f} s; "
        f"{job.credits_charged} credits charged"
    )
    return 0


def cmd_save(args: argparse.Namespace) -> int:
    """Saves a draft over the Videos API, so it does not expire (`POST /v1/videos/{id}/save`)."""
    info = MeshInfo.load(_state_dir())
    base = os.environ.get("CINEMESH_HTTP_URL") or (f"http://127.0.0.1:{info.gateway_http_port}" if info else None)
    api_key = os.environ.get("CINEMESH_API_KEY") or (info.api_key if info else None)
    if not base or not api_key:
        raise SystemExit("no mesh found: run `cinemesh up`, or set CINEMESH_HTTP_URL and CINEMESH_API_KEY")
    response = requests.post(
        f"{base.rstrip('/')}/v1/videos/{args.video_id}/save",
        headers={"authorization": f"Bearer {api_key}"},
        timeout=30,
    )
    if response.status_code != 200:
        error = response.json().get("error", {}) if response.headers.get("content-type") == "application/json" else {}
        console.print(f"[red]{response.status_code}[/red]: {error.get('message', response.text)}")
        return 2
    console.print(f"saved {args.video_id}: it no longer expires")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    stub, metadata, channel = _connect(args)
    try:
        job = stub.GetJob(gateway_pb2.GetJobRequest(job_id=args.job_id), metadata=metadata, timeout=10).job
    except grpc.RpcError as exc:
        console.print(f"[red]{exc.code().name}[/red]: {exc.details()}")
        return 2
    finally:
        channel.close()
    print(json_format.MessageToJson(job))
    return 0


def cmd_parse(args: argparse.Namespace) -> int:
    from cinemesh.prompt.planner import plan
    from cinemesh.runtime.config import Settings
    from cinemesh.runtime.errors import CinemeshError

    try:
        scene_plan = plan(_spec(args), args.tier, args.seed or 0, Settings.from_env("cli").credits_per_second)
    except CinemeshError as exc:
        console.print(f"[red]{exc.code.name}[/red]: {exc.message}")
        return 2
    print(json_format.MessageToJson(scene_plan) if args.json else scene_plan)
    return 0


def cmd_inspect(args: argparse.Namespace) -> int:
    from cinemesh.lipsync import measure

    path = Path(args.file)
    if not path.is_file():
        console.print(f"[red]NOT_FOUND[/red]: {path} is not a file")
        return 2
    from cinemesh.lipsync import provenance

    report = measure.measure(path)
    verified = provenance.verify(path)
    data = {
        "file": str(path),
        "duration_seconds": round(report.duration_seconds, 3),
        "streams": report.streams,
        "loudness": {
            "integrated_lufs": round(report.integrated_lufs, 2),
            "true_peak_dbtp": round(report.true_peak_dbtp, 2),
        },
        "chapters": report.chapters,
        "dialogue_sync": [
            {
                "line": s.line_index,
                "character": s.character_id,
                "offset_ms": round(s.offset_ms, 1),
                "correlation": round(s.correlation, 2),
            }
            for s in report.lines
        ],
        "effect_sync": [
            {"cue": s.cue_index, "unclear": s.unclear}
            if s.unclear
            else {"cue": s.cue_index, "visible_frame": s.visible_frame, "offset_ms": round(s.offset_ms, 1)}
            for s in report.effects
        ],
        "provenance": {
            "present": verified.present,
            "valid": verified.valid,
            "trusted": verified.trusted,
            "signer": verified.signer,
            "errors": verified.errors,
            "claim": verified.claim,
        },
    }
    if args.independent:
        data["independent"] = {
            "dialogue_sync": _independent_lines(path, report),
            "effect_sync": _independent_effects(path, report),
        }
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    console.print(f"[bold]{path}[/bold]: {data['duration_seconds']} s")
    for stream in report.streams:
        console.print("  " + ", ".join(f"{k}={v}" for k, v in stream.items() if v is not None))
    console.print(
        f"  loudness {data['loudness']['integrated_lufs']} LUFS, true peak {data['loudness']['true_peak_dbtp']} dBTP"
    )
    for line in data["dialogue_sync"]:
        console.print(
            f"  line {line['line']} ({line['character']}): audio {line['offset_ms']:+.1f} ms "
            f"(positive = late), r={line['correlation']}"
        )
    for effect in data["effect_sync"]:
        if "unclear" in effect:
            console.print(f"  effect {effect['cue']}: not measurable: {effect['unclear']}")
            continue
        console.print(
            f"  effect {effect['cue']}: visible at frame {effect['visible_frame']}, sound {effect['offset_ms']:+.1f} ms"
        )
    for face in data.get("independent", {}).get("dialogue_sync", []):
        own = face["generator_offset_ms"]
        shown = "unclear" if face["offset_ms"] is None else f"audio {face['offset_ms']:+.1f} ms"
        console.print(
            f"  independent: face at {face['box']}: {shown}, r={face['correlation']}"
            + ("" if own is None else f" (generator: {own:+.1f} ms)")
            + (" [red]DISAGREES by more than a frame[/red]" if face["disagrees"] else "")
        )
    for effect in data.get("independent", {}).get("effect_sync", []):
        own = effect["generator_offset_ms"]
        console.print(
            f"  independent: event at frame {effect['visible_frame']}, sound {effect['offset_ms']:+.1f} ms"
            + ("" if own is None else f" (generator: {own:+.1f} ms)")
            + (" [red]DISAGREES by more than a frame[/red]" if effect["disagrees"] else "")
        )
    state = "valid" if verified.valid else ("INVALID: " + ", ".join(verified.errors) if verified.present else "none")
    console.print(
        f"  C2PA manifest: {state}"
        + (f", signed by {verified.signer}" if verified.present else "")
        + ("" if verified.trusted or not verified.present else " (untrusted root)")
    )
    return 0


def _frame_ms(report: Any) -> float:
    return 1000 / max(1.0, next((s["fps"] for s in report.streams if s["type"] == "video"), 24.0))


def _independent_lines(path: Path, report: Any) -> list[dict[str, Any]]:
    """Lip sync per face from the pictures and sound alone, next to the generator's own figure for the lines
    of the speaker whose tracked mouth is at that face's mouth (their mean), flagged when they differ by a frame."""
    import numpy as np

    from cinemesh.lipsync import independent

    rows = []
    for face in independent.measure_lines(path):
        # the speaker whose tracked mouth is, frame by frame, within half a face width of this face's
        reach = (face.box[2] - face.box[0]) / 2
        speakers = {
            cid
            for cid, track in report.mouths.items()
            if track and np.median([math.dist(xy, face.mouth_at(k)) for k, xy in track.items()]) <= reach
        }
        offsets = [line.offset_ms for line in report.lines if line.character_id in speakers]
        own = float(np.mean(offsets)) if offsets else None
        rows.append(
            {
                "box": list(face.box),
                "offset_ms": None if face.offset_ms is None else round(face.offset_ms, 1),
                "correlation": round(face.correlation, 2),
                "generator_offset_ms": None if own is None else round(own, 1),
                "disagrees": None
                if own is None or face.offset_ms is None
                else abs(own - face.offset_ms) > _frame_ms(report),
            }
        )
    return rows


def _independent_effects(path: Path, report: Any) -> list[dict[str, Any]]:
    """Effect sync from the file's pictures and sound alone, next to the generator's figure for the same event
    (the embedded measurement whose picture event is within two frames), flagged when they differ by a frame."""
    from cinemesh.lipsync import independent

    frame_ms = _frame_ms(report)
    rows = []
    for effect in independent.measure_effects(path):
        own = next(
            (e.offset_ms for e in report.effects if not e.unclear and abs(e.visible_frame - effect.visible_frame) <= 2),
            None,
        )
        rows.append(
            {
                "visible_frame": effect.visible_frame,
                "offset_ms": round(effect.offset_ms, 1),
                "generator_offset_ms": None if own is None else round(own, 1),
                "disagrees": None if own is None else abs(own - effect.offset_ms) > frame_ms,
            }
        )
    return rows


def cmd_demo(args: argparse.Namespace) -> int:
    started = time.monotonic()
    mesh = EmbeddedMesh(_state_dir())
    running = MeshInfo.load(_state_dir())
    owns_mesh = running is None
    if owns_mesh:
        with console.status("starting the embedded mesh (broker, Ray Serve, 6 services)…"):
            mesh.start()
        console.print(f"mesh up in {time.monotonic() - started:.1f} s")
    try:
        args.prompt = DEMO_PROMPT
        console.print(f"prompt: {DEMO_PROMPT!r}")
        code = generate(args)
    finally:
        if owns_mesh:
            mesh.stop()
    console.print(f"total {time.monotonic() - started:.1f} s")
    return code


def _add_spec_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--duration", type=float, help="seconds (default 5)")
    parser.add_argument("--resolution", default="720p", help="480p, 720p or 1080p (default 720p)")
    parser.add_argument("--fps", type=int, help="24, 25 or 30 (default 24)")
    parser.add_argument("--seed", type=int, help="seed for reproducible output")
    parser.add_argument("--portrait", action="store_true", help="9:16 instead of 16:9")
    parser.add_argument(
        "--storyboard", metavar="FILE.json", help='scenes as JSON: [{"prompt": "...", "duration": 5}, ...]'
    )
    parser.add_argument("--license-reference", help="license for a licensed character (pro only)")
    parser.add_argument(
        "--embed-prompt",
        action="store_true",
        help="write the prompt into the MP4's title and chapters and its C2PA manifest (default: kept out)",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="cinemesh", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--ca",
        metavar="CA.pem",
        help="dial the mesh over TLS and trust this CA (default: CINEMESH_TLS_CA_FILE, or a local `up --tls` mesh's)",
    )
    parser.add_argument("--tls", action="store_true", help="dial the mesh over TLS, trusting the system's CAs")
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start the embedded mesh")
    up.add_argument(
        "--tls",
        action="store_true",
        dest="up_tls",
        help="run every gRPC hop and the HTTP front on TLS, with a throwaway CA and certificates under the state dir",
    )
    up.add_argument(
        "--replicas",
        help="processes per stage in consumer-group mode, e.g. video=2,audio=2 (default: CINEMESH_REPLICAS, or one)",
    )
    up.set_defaults(run=cmd_up)
    commands.add_parser("down", help="stop the embedded mesh").set_defaults(run=cmd_down)
    gen = commands.add_parser("generate", help="generate a video from a prompt")
    gen.add_argument("prompt", nargs="?", default="")
    gen.add_argument("-o", "--output", default="out/video.mp4")
    _add_spec_options(gen)
    gen.set_defaults(run=generate)
    status = commands.add_parser("status", help="show a job")
    status.add_argument("job_id")
    status.set_defaults(run=cmd_status)
    save = commands.add_parser("save", help="save a finished video so the draft does not expire")
    save.add_argument("video_id")
    save.set_defaults(run=cmd_save)
    parse = commands.add_parser("parse", help="print the ScenePlan of a prompt")
    parse.add_argument("prompt", nargs="?", default="")
    parse.add_argument("--tier", choices=("plus", "pro"), default="pro")
    parse.add_argument("--json", action="store_true", help="proto JSON")
    _add_spec_options(parse)
    parse.set_defaults(run=cmd_parse)
    inspect = commands.add_parser("inspect", help="streams, loudness and A/V sync measured on an MP4")
    inspect.add_argument("file")
    inspect.add_argument("--json", action="store_true")
    inspect.add_argument(
        "--independent",
        action="store_true",
        help="also measure lip and effect sync from the pictures and sound alone (no metadata); flag disagreement",
    )
    inspect.set_defaults(run=cmd_inspect)
    demo = commands.add_parser("demo", help="up, generate the README example, down")
    demo.add_argument("-o", "--output", default="out/demo.mp4")
    _add_spec_options(demo)
    demo.set_defaults(run=cmd_demo)
    dead = commands.add_parser("dlq", help="list dead-lettered records, replay their jobs")
    dead.add_argument("action", choices=("list", "replay"))
    dead.add_argument("id", nargs="?", help="TOPIC:PARTITION:OFFSET of the record to replay")
    dead.add_argument("--all", action="store_true", help="replay every dead-lettered record")
    dead.add_argument("--topic", help="only records dead-lettered from this topic (e.g. plans.cast)")
    dead.set_defaults(run=cmd_dlq)
    cameo = commands.add_parser("cameo", help="enroll and control your cameo (@handle)")
    cameo.add_argument("action", choices=("start", "enroll", "share", "uses", "revoke"))
    cameo.add_argument("target", help="the handle (start) or the challenge id (enroll) or the cameo id")
    cameo.add_argument("file", nargs="?", help="the recording (enroll)")
    cameo.add_argument("--name", help="display name (start)")
    cameo.add_argument("--audience", choices=tuple(_AUDIENCES), default="only-me", help="who may mention it (share)")
    cameo.add_argument("--approve", nargs="*", default=[], metavar="ACCOUNT", help="approved accounts (share)")
    cameo.set_defaults(run=cmd_cameo)
    admin.add_parser(commands).set_defaults(run=cmd_admin)
    billing.add_parsers(commands)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
