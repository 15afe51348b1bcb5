"""The production files, validated without a container engine: the Dockerfile by hadolint, the Compose file against
the Compose specification's schema, the Kubernetes manifests by kubernetes-validate (strict) — and the properties
production needs from each, so that a file that parses but would not run as intended fails here."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from config.settings import SECRETS_DIR_ENV, Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
KUBERNETES_VERSION = "1.31.0"
APP_IMAGE = "qingling"


def settings_variables() -> set[str]:
    """Every variable config/settings.py reads, and the secrets directory's."""
    return {f"QINGLING_{name.upper()}" for name in Settings.model_fields} | {SECRETS_DIR_ENV}


# ------------------------------------------------------------------------------------------------- Dockerfile


def stages(dockerfile: str) -> list[str]:
    return re.split(r"(?m)^FROM ", dockerfile)[1:]


def test_hadolint_finds_nothing() -> None:
    done = subprocess.run(
        [str(BIN / "hadolint"), "--failure-threshold", "info", str(DEPLOY / "Dockerfile")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_the_image_is_multi_stage_slim_and_non_root() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    parts = stages(text)
    assert len(parts) >= 2, "a build stage and a final stage"
    final = parts[-1]
    assert not re.search(r"\b(gcc|g\+\+|build-essential|make|git)\b", final), "no build tools in the final image"
    assert "fonts-noto-cjk" in final and "--no-install-recommends" in final, "the notices' fonts, and only them"
    assert "COPY --from=build" in final
    users = re.findall(r"(?m)^USER\s+(\S+)", final)
    assert users and users[-1].split(":")[0] not in ("0", "root"), users
    assert re.search(r"(?m)^HEALTHCHECK ", final) and "/api/v1/health" in final
    assert re.search(r'(?m)^ENTRYPOINT \["qingling"\]', final)
    for pinned in re.findall(r"(?m)^FROM (\S+)", text):
        assert ":" in pinned and not pinned.endswith(":latest"), pinned
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "tests", "deploy/secrets"} <= set(ignored)


def test_the_wheel_the_image_installs_carries_the_console_and_the_templates(tmp_path: Path) -> None:
    """The image installs the project as a wheel, not in editable mode: every template and static file must be in
    it."""
    done = subprocess.run(
        [str(BIN / "pip"), "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("qingling-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = [p.relative_to(ROOT).as_posix() for p in (ROOT / "api" / "console").rglob("*") if p.is_file()]
    wanted += [p.relative_to(ROOT).as_posix() for p in (ROOT / "notices" / "templates").glob("*.typ")]
    wanted += [p.relative_to(ROOT).as_posix() for p in (ROOT / "db" / "migrations" / "versions").glob("0*.py")]
    missing = [w for w in wanted if w not in names and "__pycache__" not in w]
    assert not missing, missing


# ---------------------------------------------------------------------------------------------------- Compose


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return loaded


def test_compose_follows_the_compose_specification(compose: dict[str, Any]) -> None:
    schema = json.loads((Path(__file__).parent / "compose-spec.json").read_text())
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(compose), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def depends(service: dict[str, Any]) -> dict[str, str]:
    return {name: spec["condition"] for name, spec in (service.get("depends_on") or {}).items()}


def test_compose_is_production_shaped(compose: dict[str, Any]) -> None:
    services: dict[str, dict[str, Any]] = compose["services"]
    app = {name: s for name, s in services.items() if f"{APP_IMAGE}:" in str(s.get("image", ""))}
    workers = [n for n, s in app.items() if s.get("command") == ["worker"]]
    apis = [n for n, s in app.items() if s.get("command") == ["api"]]
    assert len(workers) == 2 and len(apis) == 2, (workers, apis)
    (migrate,) = [n for n, s in app.items() if s.get("command") == ["db", "upgrade"]]
    assert services[migrate]["restart"] == "no"
    # the database's schema before any service: migrations, then the application role's grants
    assert depends(services["grants"]) == {"migrate": "service_completed_successfully"}
    for name in workers + apis:
        assert depends(services[name])["grants"] == "service_completed_successfully", name
        assert depends(services[name])["temporal"] == "service_healthy", name
    # Temporal on PostgreSQL from the official images, its schema by a one-shot job of the same release
    assert services["temporal"]["image"].startswith("temporalio/server:")
    assert services["temporal"]["environment"]["DB"] == "postgres12"
    assert services["temporal-schema"]["image"].startswith("temporalio/admin-tools:")
    assert services["temporal"]["image"].split(":")[1] == services["temporal-schema"]["image"].split(":")[1]
    assert depends(services["temporal"]) == {"temporal-schema": "service_completed_successfully"}
    assert services["temporal-ui"]["image"].startswith("temporalio/ui:")
    proxy = services["proxy"]
    assert set(depends(proxy)) == set(apis) and proxy["ports"]
    caddyfile = (DEPLOY / "proxy" / "Caddyfile").read_text()
    assert all(f"{name}:8000" in caddyfile for name in apis)


def test_every_long_running_service_is_health_checked_and_pinned(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        image = str(service["image"])
        assert re.search(r":[\w.-]+\}?$", image) and "latest" not in image, (name, image)
        if service.get("restart") == "no":
            continue
        check = service.get("healthcheck") or {}
        assert check.get("test") and not check.get("disable"), name


def test_secrets_come_from_files_only(compose: dict[str, Any]) -> None:
    for name, secret in compose["secrets"].items():
        assert set(secret) == {"file"} and secret["file"].startswith("./secrets/"), name
    for name, service in compose["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if re.search(r"PASSWORD|PWD|SECRET|TOKEN|_KEYS$|DATABASE_URL", key):
                assert key.endswith("_FILE") or str(value).startswith("/run/secrets"), (name, key)
    ignored = (DEPLOY / "secrets" / ".gitignore").read_text().split()
    assert ignored[0] == "*", "the secrets directory keeps nothing but its README"


def test_compose_sets_only_settings_that_exist(compose: dict[str, Any]) -> None:
    known = settings_variables()
    for name, service in compose["services"].items():
        for key in service.get("environment") or {}:
            if key.startswith("QINGLING_"):
                assert key in known, (name, key)


def test_the_files_compose_mounts_exist_and_the_scripts_parse(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for volume in service.get("volumes") or []:
            source = str(volume).split(":")[0]
            if source.startswith("./"):
                assert (DEPLOY / source).is_file(), (name, source)
    for script in (DEPLOY / "postgres" / "initdb.sh", DEPLOY / "temporal" / "setup-schema.sh"):
        done = subprocess.run(["sh", "-n", str(script)], capture_output=True, text=True)
        assert done.returncode == 0, (script, done.stderr)


# ------------------------------------------------------------------------------------------------- Kubernetes


def manifests() -> list[dict[str, Any]]:
    kustomization = yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text())
    found: list[dict[str, Any]] = []
    for resource in kustomization["resources"]:
        found += [d for d in yaml.safe_load_all((DEPLOY / "k8s" / resource).read_text()) if d]
    return found


def test_every_manifest_validates_strictly() -> None:
    docs = manifests()
    assert docs
    for doc in docs:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def kind(name: str) -> list[dict[str, Any]]:
    return [d for d in manifests() if d["kind"] == name]


def pod_specs() -> list[tuple[str, dict[str, Any]]]:
    out = [(d["metadata"]["name"], d["spec"]["template"]["spec"]) for d in kind("Deployment")]
    return out + [(d["metadata"]["name"], d["spec"]["template"]["spec"]) for d in kind("Job")]


def test_the_api_is_probed_on_its_health_route_and_the_worker_on_its_health_file() -> None:
    deployments = {d["metadata"]["name"]: d for d in kind("Deployment")}
    assert deployments["qingling-api"]["spec"]["replicas"] >= 2
    assert deployments["qingling-worker"]["spec"]["replicas"] >= 2
    (api,) = deployments["qingling-api"]["spec"]["template"]["spec"]["containers"]
    for probe in ("readinessProbe", "livenessProbe"):
        assert api[probe]["httpGet"]["path"] == "/api/v1/health", probe
    (worker,) = deployments["qingling-worker"]["spec"]["template"]["spec"]["containers"]
    assert "qingling-worker.alive" in " ".join(worker["livenessProbe"]["exec"]["command"])


def test_every_container_requests_resources_and_runs_unprivileged() -> None:
    for name, spec in pod_specs():
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        for container in spec.get("initContainers", []) + spec["containers"]:
            requests = container["resources"]["requests"]
            assert {"cpu", "memory"} <= set(requests), (name, container["name"])
            assert container["securityContext"]["allowPrivilegeEscalation"] is False, (name, container["name"])


def test_disruption_budgets_keep_one_api_and_one_worker() -> None:
    selected = {d["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] for d in kind("PodDisruptionBudget")}
    assert selected == {"qingling-api", "qingling-worker"}
    assert all(d["spec"]["minAvailable"] >= 1 for d in kind("PodDisruptionBudget"))


def test_secrets_are_referenced_never_included() -> None:
    assert not kind("Secret"), "secrets are created by the operator, never shipped"
    for name, spec in pod_specs():
        secret_volumes = [v for v in spec["volumes"] if "secret" in v]
        assert secret_volumes, name
    (config,) = kind("ConfigMap")
    known = settings_variables()
    for key, value in config["data"].items():
        assert key in known, key
        assert not re.search(r"PASSWORD|DATABASE_URL|PAYLOAD_KEYS$", key), key
        assert "://" not in value or "@" not in value, key  # no credentials in a URL
