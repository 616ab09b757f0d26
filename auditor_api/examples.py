"""Examples of the auditors' phone API for the schema: the demo brand's data (``fixtures/``).

One auditor (``auditor-01``) on a lunch visit to 上海外滩餐厅 (SH-BUND) with the demo's dine-in
standard (QSR-DINE-IN) and its cold-fries complaint test. Each example is a whole, valid body: a
client generated from the schema can be tested against them.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample

from backend.api.problems import problem_for
from backend.errors import Conflict, InvalidInput

VISIT_UUID = "6f1c2a8e-3f7b-4c1e-9d2a-0b1c2d3e4f50"
PHOTO_UUID = "0b7e4d1a-1111-4a2b-8c3d-2e3f4a5b6c7d"

SCENARIO = {
    "code": "COLD-FRIES",
    "title": "薯条是凉的 Cold fries",
    "script": (
        "取餐后约 2 分钟回到柜台，礼貌地告诉员工：「不好意思，这份薯条是凉的。」观察员工如何回应，不主动提出要求。"
    ),
    "timing": "取餐后 2 分钟内",
    "pass_mark": 70.0,
    "rubric": [
        {"key": "acknowledged", "description": "确认问题并倾听", "points": 1.0, "within_seconds": None},
        {"key": "apologised", "description": "真诚道歉", "points": 1.0, "within_seconds": None},
        {"key": "replaced", "description": "主动更换新鲜薯条", "points": 2.0, "within_seconds": None},
        {"key": "manager", "description": "通知值班经理", "points": 1.0, "within_seconds": None},
        {"key": "within_120", "description": "2 分钟内解决", "points": 1.0, "within_seconds": 120},
    ],
}

OPENING_HOURS = {day: [["06:30", "23:30"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}

ASSIGNMENT = {
    "id": 17,
    "status": "offered",
    "store": {
        "code": "SH-BUND",
        "name": "上海外滩餐厅",
        "address": "上海市黄浦区中山东一路 12 号",
        "city": "上海",
        "latitude": 31.2397,
        "longitude": 121.4903,
        "timezone": "Asia/Shanghai",
        "opening_hours": OPENING_HOURS,
    },
    "window_start": "2026-11-18",
    "window_end": "2026-11-25",
    "daypart": "lunch",
    "scorecard_version": 1,
    "scorecard": "QSR dine-in standard 堂食标准",
    "scenario": SCENARIO,
    "notes": "请在用餐高峰时段到访。",
    "decline_reason": "",
}

SECTIONS = [
    {"key": "food", "title": "食品质量 Food quality", "score": 85.7},
    {"key": "service", "title": "服务 Service", "score": 100.0},
    {"key": "cleanliness", "title": "清洁 Cleanliness", "score": 90.0},
    {"key": "speed", "title": "速度 Speed of service", "score": 87.5},
    {"key": "complaint", "title": "投诉处理 Complaint handling", "score": 83.3},
]

RECEIPT = {
    "uuid": VISIT_UUID,
    "reference": "V-5UHUZWVZ",
    "assignment": 17,
    "status": "submitted",
    "visited_on": "2026-11-20",
    "score": 89.6,
    "score_uncapped": 89.6,
    "critical_failed": False,
    "critical_failures": [],
    "complaint_score": 83.3,
    "complaint_passed": True,
    "sections": SECTIONS,
    "flags": [],
    "photos_missing": [{"uuid": PHOTO_UUID, "item": "tables_clean", "status": "expected"}],
}

ANSWERS = [
    {"item": "fries_hot_crisp", "value": True, "comment": "热且酥脆"},
    {"item": "portion_size", "value": "full"},
    {"item": "greeted_promptly", "value": True},
    {"item": "smile_eye_contact", "value": 4},
    {"item": "suggestive_selling", "na": True},
    {"item": "tables_clean", "value": 4, "comment": "靠窗一桌有残渣"},
    {"item": "queue_seconds", "value": 95},
    {"item": "service_notes", "value": "午高峰开了三个收银台。"},
]

SUBMISSION = {
    "uuid": VISIT_UUID,
    "assignment": 17,
    "checked_in_at": "2026-11-20T12:01:00+08:00",
    "checked_out_at": "2026-11-20T12:40:00+08:00",
    # As the phone reports it: any precision; the server rounds to 6 decimal places (0.1 m for accuracy).
    "location": {"latitude": 31.2397123, "longitude": 121.4902584, "accuracy": 15.25},
    "answers": ANSWERS,
    "complaint": {
        "observed": ["acknowledged", "apologised", "replaced"],
        "seconds_to_resolution": 140,
        "transcript": "员工确认薯条是凉的，道歉后更换了一份新鲜薯条。",
    },
    "receipt": {"number": "A-0192", "amount": 38.5, "time": "2026-11-20T12:10:00+08:00"},
    "photos": [{"uuid": PHOTO_UUID, "item": "tables_clean"}],
    "summary": "整体良好；餐桌清洁需加强。",
}

VISIT_DETAIL = {
    **RECEIPT,
    "status": "returned",
    "photos_missing": [],
    "revision": 1,
    "returned_note": "请补充餐桌照片的说明。",
    "review_comments": [{"revision": 1, "item": "tables_clean", "comment": "照片中看不到残渣，请说明位置。"}],
    "checked_in_at": "2026-11-20T12:01:00+08:00",
    "checked_out_at": "2026-11-20T12:40:00+08:00",
    "answers": [
        {"item": "fries_hot_crisp", "value": True, "na": False, "comment": "热且酥脆"},
        {"item": "suggestive_selling", "value": None, "na": True, "comment": ""},
        {"item": "tables_clean", "value": 4, "na": False, "comment": "靠窗一桌有残渣"},
        {"item": "queue_seconds", "value": 95, "na": False, "comment": ""},
    ],
    "photos": [{"uuid": PHOTO_UUID, "item": "tables_clean", "status": "received"}],
    "receipt_number": "A-0192",
    "receipt_amount": 38.5,
    "receipt_time": "2026-11-20T12:10:00+08:00",
    "submitted_at": "2026-11-20T12:41:07+08:00",
}

OFFLINE_SCORECARD = {
    "id": 1,
    "template": "QSR-DINE-IN",
    "name": "QSR dine-in standard 堂食标准",
    "number": 1,
    "status": "published",
    "critical_cap": 0.0,
    "scale": [
        {"value": 1, "label": "极不满意 Very dissatisfied"},
        {"value": 2, "label": "不满意 Dissatisfied"},
        {"value": 3, "label": "一般 Neutral"},
        {"value": 4, "label": "满意 Satisfied"},
        {"value": 5, "label": "高度满意 Highly satisfied"},
    ],
    "sections": [
        {
            "key": "food",
            "title": "食品质量 Food quality",
            "weight": 30.0,
            "items": [
                {
                    "key": "fries_hot_crisp",
                    "prompt": "薯条热且酥脆",
                    "guidance": "取餐后 1 分钟内品尝；温热、外脆内软为达标。",
                    "type": "yes_no",
                    "max_points": 2.0,
                    "unit": "",
                    "na_allowed": False,
                    "photo_required": False,
                    "critical": False,
                    "options": [],
                    "bands": [],
                },
                {
                    "key": "portion_size",
                    "prompt": "份量符合标准",
                    "guidance": "",
                    "type": "choice",
                    "max_points": 2.0,
                    "unit": "",
                    "na_allowed": False,
                    "photo_required": False,
                    "critical": False,
                    "options": [
                        {"value": "full", "label": "足量", "points": 2.0},
                        {"value": "slightly_under", "label": "略少", "points": 1.0},
                        {"value": "under", "label": "明显不足", "points": 0.0},
                    ],
                    "bands": [],
                },
            ],
        },
        {
            "key": "speed",
            "title": "速度 Speed of service",
            "weight": 15.0,
            "items": [
                {
                    "key": "queue_seconds",
                    "prompt": "排队等候时间",
                    "guidance": "从排队到开始点餐的秒数。",
                    "type": "numeric",
                    "max_points": 4.0,
                    "unit": "s",
                    "na_allowed": False,
                    "photo_required": False,
                    "critical": False,
                    "options": [],
                    "bands": [
                        {"min": 0.0, "max": 60.0, "points": 4.0, "label": "≤ 1 分钟"},
                        {"min": 60.0, "max": 180.0, "points": 3.0, "label": ""},
                        {"min": 180.0, "max": 300.0, "points": 1.0, "label": ""},
                        {"min": 300.0, "max": None, "points": 0.0, "label": "超过 5 分钟"},
                    ],
                }
            ],
        },
    ],
    "complaint_scenarios": [SCENARIO],
}

PHOTO_RECEIPT = {
    "uuid": PHOTO_UUID,
    "item": "tables_clean",
    "status": "received",
    "content_type": "image/jpeg",
    "width": 1600,
    "height": 1200,
    "photos_missing": [],
}


def request(name: str, value: dict, **options) -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=True, **options)


def response(name: str, value: dict, status: int = 200, **options) -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True, status_codes=[str(status)], **options)


ASSIGNMENT_LIST = [response("An offered lunch visit", ASSIGNMENT)]
ASSIGNMENT_RETRIEVE = [response("An offered lunch visit", ASSIGNMENT)]
ASSIGNMENT_ACCEPT = [response("Accepted", {**ASSIGNMENT, "status": "accepted"})]
DECLINE_BODY = {"reason": "那一周我在杭州，无法前往外滩。"}
ASSIGNMENT_DECLINE = [
    request("A reason", DECLINE_BODY),
    response("Declined", {**ASSIGNMENT, "status": "declined", "decline_reason": DECLINE_BODY["reason"]}),
]
SCORECARD_RETRIEVE = [response("The dine-in standard (two of its five sections shown)", OFFLINE_SCORECARD)]
VISIT_LIST = [response("A submitted visit", {**RECEIPT, "photos_missing": []})]
VISIT_RETRIEVE = [response("A visit the reviewer returned", VISIT_DETAIL)]
VISIT_CREATE = [
    request("A lunch visit with a complaint test", SUBMISSION),
    response("Stored; one photo still to upload", RECEIPT, status=201),
    response("A retry of the same submission", RECEIPT),
    response(
        "Another body under the same uuid",
        problem_for(
            Conflict(
                "A visit with this uuid was already submitted with a different body; use a new uuid for a new visit."
            )
        ).body(),
        status=409,
    ),
    response(
        "An answer missing",
        problem_for(InvalidInput({"answers": {"queue_seconds": ["an answer is required"]}})).body(),
        status=400,
    ),
]
VISIT_RESUBMIT = [
    request(
        "The corrected answers",
        {
            "answers": [
                {**answer, "comment": "靠窗第二桌，桌面有薯条残渣。"} if answer["item"] == "tables_clean" else answer
                for answer in ANSWERS
            ],
            "summary": "已补充餐桌位置说明。",
        },
    ),
    response("Resubmitted as revision 2", {**RECEIPT, "photos_missing": []}),
]
PHOTO_UPLOAD = [
    request(
        "The photo of the tables (multipart: file, uuid, item)",
        {"file": "tables.jpg (binary, image/jpeg)", "uuid": PHOTO_UUID, "item": "tables_clean"},
        media_type="multipart/form-data",
    ),
    response("Received; nothing else missing", PHOTO_RECEIPT, status=201),
    response("A retry of the same photo", PHOTO_RECEIPT),
]
