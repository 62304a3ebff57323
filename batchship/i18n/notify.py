"""The words of notifications (webhook and e-mail digests) and of their settings."""

from __future__ import annotations

from typing import Final

MESSAGES: Final[dict[str, dict[str, str]]] = {
    "notify.subject_problem": {
        "ko": "[batchship] {file}: 확인이 필요한 행 {attention}건",
        "en": "[batchship] {file}: {attention} rows need attention",
    },
    "notify.subject_fine": {
        "ko": "[batchship] {file}: 모두 처리했습니다",
        "en": "[batchship] {file}: every row is done",
    },
    "notify.subject_failed": {
        "ko": "[batchship] {file}: 파일을 읽지 못했습니다",
        "en": "[batchship] {file}: the file could not be read",
    },
    "notify.store": {"ko": "보낸 곳: {store}", "en": "Sent to: {store}"},
    "notify.counts": {"ko": "처리결과: {counts}", "en": "Results: {counts}"},
    "notify.codes": {"ko": "오류코드: {codes}", "en": "Error codes: {codes}"},
    "notify.files": {
        "ko": "결과 파일: {result} / 재시도 파일: {retry}",
        "en": "Result: {result} / retry file: {retry}",
    },
    "notify.duration": {"ko": "걸린 시간: {seconds}초", "en": "Took {seconds} s"},
    "notify.failed": {
        "ko": "알림을 보내지 못했습니다: {channel} ({reason}, {tries}번 시도). 실행 결과는 그대로입니다.",
        "en": "Could not send the notification to {channel} ({reason}, {tries} tries); the run itself is unaffected.",
    },
    "notify.bad_when": {
        "ko": "알림 설정의 `when` 값 '{value}'을(를) 알 수 없습니다 (가능: {choices}).",
        "en": "Unknown notification 'when' value '{value}' (one of: {choices}).",
    },
    "notify.bad_webhook": {
        "ko": "알림 설정의 `webhook`에는 `http(s)` 주소(`url`)가 있어야 하고, `format`은 `slack` 또는 `json`이어야 합니다.",
        "en": "A notification webhook needs an http(s) url, and its format must be slack or json.",
    },
    "notify.bad_email": {
        "ko": "알림 설정의 `email`에는 `host`, `sender`, `to`가 있어야 하고, `security`는 `starttls`, `ssl`, `none` 중 하나여야 합니다.",
        "en": "Notification e-mail needs host, sender and to; security must be starttls, ssl or none.",
    },
    "notify.none": {
        "ko": "--notify를 주었지만 알림을 보낼 곳이 설정되지 않았습니다. 설정 파일의 `[notify]`나 `BATCHSHIP_NOTIFY_WEBHOOK`을 쓰세요.",
        "en": "--notify was given but no notification channel is set up: use [notify] in the config file or BATCHSHIP_NOTIFY_WEBHOOK.",
    },
    "help.notify": {
        "ko": "끝나면 요약을 알림으로 보냅니다(설정 파일의 `[notify]` 또는 `BATCHSHIP_NOTIFY_WEBHOOK`)",
        "en": "send a digest when done (the config file's [notify], or BATCHSHIP_NOTIFY_WEBHOOK)",
    },
}
