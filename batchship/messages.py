"""Every sentence a user can read, in Korean (default) and English.

Row messages say what is wrong, the value seen, and what to do. Codes that are NAVER's own (`104118`, ...)
mean what NAVER's table says; codes starting with `BS` are batchship's own and are listed in the README.
Tests assert exact texts, so change a sentence here and in the README together.
"""

from __future__ import annotations

from typing import Final, Literal

Lang = Literal["ko", "en"]
LANGS: Final = ("ko", "en")

# The result columns and the values of the first one.
RESULT_HEADERS: Final[dict[str, tuple[str, str, str]]] = {
    "ko": ("처리결과", "오류코드", "오류메시지"),
    "en": ("result", "error_code", "error_message"),
}

STATUS_LABELS: Final[dict[str, dict[str, str]]] = {
    "ko": {
        "SUCCESS": "성공",
        "FAILED": "실패",
        "INVALID": "검증오류",
        "ALREADY_DISPATCHED": "이미처리",
        "UNKNOWN": "확인필요",
        "NOT_SENT": "미전송",
    },
    "en": {s: s for s in ("SUCCESS", "FAILED", "INVALID", "ALREADY_DISPATCHED", "UNKNOWN", "NOT_SENT")},
}

# What each of batchship's own codes means (README table; also used in summaries).
OWN_CODES: Final[dict[str, dict[str, str]]] = {
    "BS101": {"ko": "상품주문번호 없음", "en": "product order number missing"},
    "BS102": {"ko": "상품주문번호 형식 오류", "en": "product order number malformed"},
    "BS103": {"ko": "엑셀이 자른 상품주문번호", "en": "product order number truncated by Excel"},
    "BS201": {"ko": "알 수 없는 배송방법", "en": "unknown delivery method"},
    "BS202": {"ko": "발송에 쓸 수 없는 배송방법", "en": "delivery method not usable for dispatch"},
    "BS301": {"ko": "엑셀이 자른 송장번호", "en": "tracking number truncated by Excel"},
    "BS401": {"ko": "읽을 수 없는 발송일", "en": "unreadable dispatch date"},
    "BS402": {"ko": "미래의 발송일", "en": "dispatch date in the future"},
    "BS501": {"ko": "다른 송장으로 이미 발송됨", "en": "already dispatched with another tracking number"},
}

#: What to do about each of batchship's own codes (the README's table; row messages say it in full).
OWN_FIXES: Final[dict[str, dict[str, str]]] = {
    "BS101": {"ko": "16자리 상품주문번호를 입력하세요.", "en": "Enter the 16-digit product order number."},
    "BS102": {"ko": "스마트스토어에서 상품주문번호를 확인하세요.", "en": "Check the number in Smart Store."},
    "BS103": {
        "ko": "열 서식을 '텍스트'로 바꾸고 번호를 다시 입력하세요. 고칠 때까지 보내지 않습니다.",
        "en": "Format the column as Text and type the number again; the row is not sent until then.",
    },
    "BS201": {
        "ko": "목록의 배송방법을 쓰거나 비워 두세요(택배).",
        "en": "Use a listed method, or leave it empty.",
    },
    "BS202": {
        "ko": "택배, 직접전달, 방문수령, 퀵서비스, 배송없음 중에서 고르세요.",
        "en": "Pick a dispatch method.",
    },
    "BS301": {
        "ko": "열 서식을 '텍스트'로 바꾸고 송장번호를 다시 입력하세요.",
        "en": "Format the column as Text and type the tracking number again.",
    },
    "BS401": {
        "ko": "2024-05-05 또는 2024-05-05 14:30처럼 쓰거나 비워 두세요.",
        "en": "Write 2024-05-05, or leave it empty.",
    },
    "BS402": {"ko": "실제로 발송한 날짜와 시각을 쓰세요.", "en": "Enter when the parcel actually left."},
    "BS501": {
        "ko": "이미 다른 송장으로 발송된 주문입니다. 송장 수정은 판매자센터에서 하세요.",
        "en": "Already dispatched with another number; correct it in Seller Center.",
    },
}

# Row messages. Placeholders: {value} what the cell held, {suggestion} a "did you mean" clause, ...
ROW_MESSAGES: Final[dict[str, dict[str, str]]] = {
    "BS101": {
        "ko": "상품주문번호가 비어 있습니다. 16자리 상품주문번호를 입력하세요.",
        "en": "The product order number is empty. Enter the 16-digit product order number.",
    },
    "BS102": {
        "ko": "상품주문번호 '{value}'는 16자리 숫자가 아닙니다. 스마트스토어의 상품주문번호(16자리)를 확인하세요.",
        "en": "Product order number '{value}' is not 16 digits. Check the 16-digit product order number "
        "in Smart Store.",
    },
    "BS103": {
        "ko": "상품주문번호 '{value}'는 엑셀이 숫자로 저장하면서 끝자리를 0으로 바꿨을 수 있습니다. "
        "열 서식을 '텍스트'로 바꾸고 번호를 다시 입력하세요.",
        "en": "Product order number '{value}' was stored as a number, and Excel may have turned its last digit "
        "into 0. Format the column as Text and enter the number again.",
    },
    "BS201": {
        "ko": "배송방법 '{value}'을(를) 알 수 없습니다.{suggestion} 비워 두면 '택배, 등기, 소포'로 처리합니다.",
        "en": "Delivery method '{value}' is unknown.{suggestion} Leave it empty for parcel delivery (DELIVERY).",
    },
    "BS202": {
        "ko": "배송방법 '{value}'은(는) 발송 처리에 쓸 수 없습니다(반품·예외용). "
        "택배, 직접전달, 방문수령, 퀵서비스, 배송없음 중 하나를 쓰세요.",
        "en": "Delivery method '{value}' cannot be used to dispatch (it is for returns or exceptions). "
        "Use parcel delivery, direct delivery, visit pickup, quick service or no delivery.",
    },
    "104118": {
        "ko": "택배사가 비어 있습니다. 택배 발송에는 택배사가 필요합니다(예: CJ대한통운).",
        "en": "The courier is empty. Parcel delivery needs a courier (e.g. CJ대한통운 / CJGLS).",
    },
    "104119": {
        "ko": "택배사 '{value}'은(는) 알 수 없는 택배사입니다.{suggestion} 택배사 이름이나 코드를 확인하세요.",
        "en": "Courier '{value}' is not a known courier.{suggestion} Check the courier name or code.",
    },
    "104120": {
        "ko": "송장번호가 비어 있습니다. 택배 발송에는 송장번호가 필요합니다.",
        "en": "The tracking number is empty. Parcel delivery needs a tracking number.",
    },
    "104122": {
        "ko": "송장번호 '{value}'의 형식이 올바르지 않습니다. 영문과 숫자 {min_len}~{max_len}자여야 합니다"
        "(하이픈과 공백은 자동으로 지웁니다).",
        "en": "Tracking number '{value}' is malformed: it must be {min_len} to {max_len} letters and digits "
        "(hyphens and spaces are removed automatically).",
    },
    "BS301": {
        "ko": "송장번호 '{value}'가 숫자로 저장되어 있어 엑셀이 15자리 이후를 잘랐을 수 있습니다. "
        "열 서식을 '텍스트'로 바꾸고 송장번호를 다시 입력하세요.",
        "en": "Tracking number '{value}' was stored as a number longer than Excel's 15 digits and may be "
        "truncated. Format the column as Text and enter the tracking number again.",
    },
    "104131": {
        "ko": "상품주문번호 '{value}'가 이 시트에 {count}번 나옵니다(행 {rows}). 한 번만 남기세요.",
        "en": "Product order number '{value}' appears {count} times in this sheet (rows {rows}). Keep only one.",
    },
    "BS401": {
        "ko": "발송일 '{value}'을(를) 읽을 수 없습니다. 2024-05-05 또는 2024-05-05 14:30 형식으로 쓰거나 "
        "비워 두세요(비우면 지금 시각).",
        "en": "Dispatch date '{value}' cannot be read. Write it as 2024-05-05 or 2024-05-05 14:30, or leave it "
        "empty for the time of the run.",
    },
    "BS402": {
        "ko": "발송일 '{value}'이(가) 미래입니다. 이미 발송한 날짜와 시각을 쓰세요.",
        "en": "Dispatch date '{value}' is in the future. Enter the date the parcel actually left.",
    },
    "CHECK_OK": {
        "ko": "검사 통과: 전송할 수 있습니다.",
        "en": "Passed all checks: ready to send.",
    },
}

SUGGESTION: Final[dict[str, str]] = {"ko": " 혹시 {names}인가요?", "en": " Did you mean {names}?"}
OR_WORD: Final[dict[str, str]] = {"ko": " 또는 ", "en": " or "}

# File-level errors (exit 2). Each says what is wrong, where, and how to fix it.
FILE_ERRORS: Final[dict[str, dict[str, str]]] = {
    "not_found": {
        "ko": "파일을 찾을 수 없습니다: {path}. 경로와 파일 이름을 확인하세요.",
        "en": "File not found: {path}. Check the path and the file name.",
    },
    "is_directory": {
        "ko": "{path}은(는) 폴더입니다. 발송 시트 파일(.xlsx, .xls, .csv) 하나를 지정하세요.",
        "en": "{path} is a folder. Give one shipping sheet file (.xlsx, .xls, .csv).",
    },
    "unreadable": {
        "ko": "파일을 읽을 수 없습니다: {path} ({reason}).",
        "en": "Cannot read the file {path} ({reason}).",
    },
    "empty": {
        "ko": "{path}은(는) 빈 파일입니다(0바이트). 엑셀에서 다시 저장해 보세요.",
        "en": "{path} is empty (0 bytes). Save it again from Excel.",
    },
    "unsupported": {
        "ko": "{path}: 지원하지 않는 형식입니다({ext}). .xlsx, .xlsm, .xls, .csv 파일을 쓰세요.",
        "en": "{path}: unsupported file type ({ext}). Use an .xlsx, .xlsm, .xls or .csv file.",
    },
    "html_as_xls": {
        "ko": "{path}은(는) 엑셀 파일이 아니라 웹 페이지(HTML)를 .xls 이름으로 저장한 것입니다. "
        "엑셀에서 열어 '다른 이름으로 저장' > 'Excel 통합 문서(.xlsx)'로 저장한 뒤 다시 실행하세요.",
        "en": "{path} is not an Excel file but a web page (HTML) saved under an .xls name. Open it in Excel, "
        "save it as an Excel Workbook (.xlsx), and run again.",
    },
    "corrupt": {
        "ko": "{path}을(를) 엑셀 파일로 읽을 수 없습니다: 파일이 손상되었거나 다운로드가 덜 되었습니다({reason}). "
        "원본을 다시 받거나 엑셀에서 열어 다시 저장하세요.",
        "en": "{path} cannot be read as an Excel file: it is damaged or was not fully downloaded ({reason}). "
        "Download it again, or open it in Excel and save it again.",
    },
    "csv_unreadable": {
        "ko": "{path}을(를) CSV로 읽을 수 없습니다({reason}). 엑셀에서 열어 'CSV UTF-8(쉼표로 분리)'로 다시 저장하세요.",
        "en": "{path} cannot be read as CSV ({reason}). Open it in Excel and save it as 'CSV UTF-8 (Comma delimited)'.",
    },
    "not_text_csv": {
        "ko": "{path}은(는) 텍스트(CSV) 파일이 아닙니다(이진 데이터가 들어 있음). 올바른 CSV인지 확인하세요.",
        "en": "{path} is not a text (CSV) file: it contains binary data. Check that it is a real CSV file.",
    },
    "encoding": {
        "ko": "{path}의 문자 인코딩을 알 수 없습니다: UTF-8도 CP949(EUC-KR)도 아닙니다({detail}). "
        "엑셀에서 'CSV UTF-8(쉼표로 분리)'로 다시 저장하세요.",
        "en": "The character encoding of {path} is neither UTF-8 nor CP949/EUC-KR ({detail}). Save it again "
        "from Excel as 'CSV UTF-8 (Comma delimited)'.",
    },
    "protected": {
        "ko": "{path}은(는) 비밀번호로 보호된 파일입니다. --password 옵션이나 BATCHSHIP_SHEET_PASSWORD 환경 변수로 "
        "비밀번호를 알려 주세요.",
        "en": "{path} is password-protected. Give its password with --password or the BATCHSHIP_SHEET_PASSWORD "
        "environment variable.",
    },
    "wrong_password": {
        "ko": "{path}의 비밀번호가 맞지 않습니다. 비밀번호를 확인하세요(대소문자 구분).",
        "en": "The password for {path} is wrong. Check it (it is case-sensitive).",
    },
    "no_sheets": {
        "ko": "{path}에 워크시트가 없습니다.",
        "en": "{path} has no worksheet.",
    },
    "sheet_not_found": {
        "ko": "{path}에 '{sheet}' 시트가 없습니다. 있는 시트: {available}.",
        "en": "{path} has no sheet named '{sheet}'. Sheets found: {available}.",
    },
    "no_header": {
        "ko": "{where}: 처음 {scanned}행에서 '상품주문번호' 머리글을 찾지 못했습니다. 머리글 행에 "
        "상품주문번호, 택배사, 송장번호 열이 있어야 합니다.",
        "en": "{where}: no '상품주문번호' (productOrderId) header in the first {scanned} rows. The header row "
        "needs the columns 상품주문번호, 택배사 and 송장번호.",
    },
    "missing_columns": {
        "ko": "{where}: {row}행의 머리글에 필요한 열이 없습니다: {missing}. 찾은 머리글: {found}.",
        "en": "{where}: the header in row {row} lacks required columns: {missing}. Headers found: {found}.",
    },
    "duplicate_columns": {
        "ko": "{where}: {row}행의 머리글에 '{field}'에 해당하는 열이 여러 개입니다({columns}). 하나만 남기세요.",
        "en": "{where}: the header in row {row} has several columns for '{field}' ({columns}). Keep only one.",
    },
    "no_rows": {
        "ko": "{where}: {row}행의 머리글 아래에 주문 행이 없습니다.",
        "en": "{where}: there are no order rows under the header in row {row}.",
    },
    "too_big": {
        "ko": "{path}이(가) 너무 큽니다({size} MB, 한도 {limit} MB). 발송 시트라면 여러 파일로 나누거나 "
        "--max-file-mb로 한도를 올리세요.",
        "en": "{path} is too large ({size} MB; the limit is {limit} MB). Split it, or raise the limit with "
        "--max-file-mb.",
    },
    "unpacked_too_big": {
        "ko": "{path}의 압축을 풀면 {limit} MB를 넘습니다(압축 폭탄이거나 손상된 파일). 엑셀에서 열어 필요한 시트만 "
        "새 파일로 저장하세요.",
        "en": "{path} unpacks to more than {limit} MB (a zip bomb, or damaged). Open it in Excel and save only the "
        "sheet you need to a new file.",
    },
    "zip_bomb": {
        "ko": "{path}의 '{part}' 부분이 압축 크기의 {ratio:.0f}배로 풀립니다(정상 엑셀 파일은 이렇지 않습니다). "
        "엑셀에서 열어 새 파일로 저장하세요.",
        "en": "Part '{part}' of {path} unpacks to {ratio:.0f} times its packed size, which real Excel files do not "
        "do. Open it in Excel and save it as a new file.",
    },
    "size_lies": {
        "ko": "{path}의 '{part}' 부분이 적힌 크기와 다르게 풀립니다(손상되었거나 조작된 파일). 원본을 다시 받으세요.",
        "en": "Part '{part}' of {path} does not unpack to the size it declares (damaged or tampered with). "
        "Download the original again.",
    },
    "too_many_rows": {
        "ko": "{where}: {rows}행까지 씁니다. 한 번에 {limit}행까지 처리합니다. 파일을 나누거나 --max-rows로 한도를 "
        "올리세요.",
        "en": "{where} uses {rows} rows; batchship reads at most {limit}. Split the file, or raise the limit with "
        "--max-rows.",
    },
    "too_wide": {
        "ko": "{where}: 사용 영역이 {last} 셀까지 뻗어 있어({cells}칸) 읽을 수 있는 크기({limit}칸)를 넘습니다. "
        "엑셀에서 Ctrl+End로 마지막 셀을 찾아 그 아래·오른쪽의 빈 행과 열을 삭제하고 저장하세요.",
        "en": "{where} reaches cell {last} ({cells} cells), more than the {limit} batchship reads. In Excel, press "
        "Ctrl+End to find the last cell, delete the empty rows and columns below and right of your data, and save.",
    },
    "line_too_long": {
        "ko": "{path}의 {line}행이 {limit:,}자를 넘습니다. 발송 시트의 한 줄이 이렇게 길 수 없습니다: 파일을 확인하세요.",
        "en": "Line {line} of {path} is longer than {limit:,} characters, which no shipping sheet's line is. "
        "Check the file.",
    },
    "cell_too_long": {
        "ko": "{where}: {row}행 {column}열 칸의 글자 수가 {length}자로 한도 {limit}자를 넘습니다. 그 칸을 확인하세요.",
        "en": "{where}: the cell in row {row}, column {column} holds {length} characters, more than {limit}. "
        "Check that cell.",
    },
    "mixed_encoding": {
        "ko": "{path}에 UTF-8과 CP949(EUC-KR) 줄이 섞여 있습니다({utf8_line}행은 UTF-8, {cp949_line}행은 CP949). "
        "한 가지로 다시 저장하세요(엑셀: 'CSV UTF-8(쉼표로 분리)').",
        "en": "{path} mixes UTF-8 lines and CP949/EUC-KR lines (line {utf8_line} is UTF-8, line {cp949_line} "
        "CP949). Save it again in one encoding (Excel: 'CSV UTF-8 (Comma delimited)').",
    },
    "write_failed": {
        "ko": "결과 파일을 쓸 수 없습니다: {path} ({reason}). 폴더가 있는지, 파일이 엑셀에서 열려 있지 않은지 확인하세요.",
        "en": "Cannot write the result file {path} ({reason}). Check that the folder exists and the file is not "
        "open in Excel.",
    },
    "out_is_input": {
        "ko": "결과 파일 경로가 입력 파일과 같습니다({path}). 입력 파일은 바꾸지 않으므로 다른 --out 경로를 주세요.",
        "en": "The result path is the input file itself ({path}). The input is never modified: give another --out.",
    },
}

FIELD_LABELS: Final[dict[str, dict[str, str]]] = {
    "productOrderId": {"ko": "상품주문번호", "en": "상품주문번호 (productOrderId)"},
    "deliveryMethod": {"ko": "배송방법", "en": "배송방법 (deliveryMethod)"},
    "deliveryCompanyCode": {"ko": "택배사", "en": "택배사 (deliveryCompanyCode)"},
    "trackingNumber": {"ko": "송장번호", "en": "송장번호 (trackingNumber)"},
    "dispatchDate": {"ko": "발송일", "en": "발송일 (dispatchDate)"},
}

SUMMARY: Final[dict[str, dict[str, str]]] = {
    "ko": {"where": "{file}의 '{sheet}' 시트", "where_csv": "{file}"},
    "en": {"where": "sheet '{sheet}' of {file}", "where_csv": "{file}"},
}


# NAVER's error codes in English (NAVER's own Korean descriptions are `codes.NAVER_ERROR_CODES`).
NAVER_CODES_EN: Final[dict[str, str]] = {
    "4000": "invalid request parameter",
    "9999": "other error",
    "100001": "product order not found",
    "100003": "order not found",
    "101009": "no permission for this product order",
    "104105": "dispatch deadline out of range",
    "104116": "delivery method must change (no-delivery order)",
    "104117": "delivery method must change",
    "104118": "courier missing",
    "104119": "courier code wrong",
    "104120": "tracking number missing",
    "104121": "tracking number already used",
    "104122": "tracking number invalid",
    "104131": "duplicate product order number",
    "104133": "bad request",
    "104417": "exchange state does not allow re-delivery",
    "104441": "not a desired-date delivery product",
    "104442": "product order state does not allow this",
    "104443": "place-order (발주) state does not allow this",
    "104444": "desired delivery date invalid",
    "104445": "desired delivery date beyond the change limit",
    "104446": "desired delivery date unchanged",
    "104138": "desired delivery date change failed",
    "104449": "not within the desired-date change period",
    "104450": "no time or area for N desired-date delivery",
    "105306": "requested state equals the current one",
}


def code_meaning(code: str, lang: Lang) -> str:
    """What an error code means: batchship's own wording, or NAVER's description of its code."""
    from batchship.codes import NAVER_ERROR_CODES

    if code in OWN_CODES:
        return OWN_CODES[code][lang]
    if lang == "en":
        return NAVER_CODES_EN.get(code, "")
    return NAVER_ERROR_CODES.get(code, "")


def file_error(key: str, lang: Lang, **values: object) -> str:
    """A file-level error message in the user's language."""
    return FILE_ERRORS[key][lang].format(**values)


# Row messages of a dispatch run.
DISPATCH_MESSAGES: Final[dict[str, dict[str, str]]] = {
    "sent": {
        "ko": "발송 처리되었습니다({what}).",
        "en": "Dispatched ({what}).",
    },
    "sent_confirmed": {
        "ko": "발송 처리되었습니다({what}). 응답이 끊겨 주문 조회로 확인했습니다.",
        "en": "Dispatched ({what}). The answer was lost; confirmed by looking the order up.",
    },
    "refused": {
        "ko": "NAVER가 거부했습니다({code} {meaning}): {message} {fix}",
        "en": "NAVER refused it ({code} {meaning}): {message} {fix}",
    },
    "unknown": {
        "ko": "NAVER의 응답을 받지 못했고 조회 결과도 예상과 다릅니다({seen}). 스마트스토어에서 이 주문의 발송 여부를 "
        "확인하세요. 확인 전에는 다시 보내지 마세요.",
        "en": "NAVER's answer was lost and the order lookup shows something unexpected ({seen}). Check this "
        "order in Smart Store before sending it again.",
    },
    "lookup_failed": {
        "ko": "NAVER의 응답을 받지 못했고 주문 조회도 실패했습니다({reason}). 스마트스토어에서 이 주문의 발송 여부를 "
        "확인하세요.",
        "en": "NAVER's answer was lost and the order lookup failed too ({reason}). Check this order in Smart "
        "Store.",
    },
    "not_sent": {
        "ko": "보내지 못했습니다({reason}). 다시 실행하면 이 행을 보냅니다.",
        "en": "Not sent ({reason}). Run again to send this row.",
    },
    "stopped": {
        "ko": "중단 요청으로 보내지 않았습니다. 다시 실행하면 이 행을 보냅니다.",
        "en": "Not sent: the run was stopped. Run again to send this row.",
    },
    "dry_run": {
        "ko": "미리보기(--dry-run): 검사를 통과했고, 보내지 않았습니다.",
        "en": "Dry run: passed the checks, not sent.",
    },
    "already": {
        "ko": "{date}에 이미 발송 처리한 주문입니다({what}). 다시 보내지 않았습니다.",
        "en": "Already dispatched on {date} ({what}); not sent again.",
    },
    "already_at_naver": {
        "ko": "NAVER에 이미 같은 택배사와 송장번호로 발송 처리되어 있습니다({what}). 다시 보내지 않았습니다.",
        "en": "NAVER already shows this order dispatched with the same courier and tracking number ({what}).",
    },
    "BS501": {
        "ko": "이 주문은 {date}에 {old}(으)로 이미 발송 처리되었습니다. 시트의 {new}와(과) 다릅니다. "
        "발송 후 송장 수정은 스마트스토어 판매자센터에서 하세요.",
        "en": "This order was already dispatched on {date} with {old}, but the sheet says {new}. Correct a "
        "dispatched order's tracking number in Seller Center.",
    },
    "unsettled": {
        "ko": "이전 실행에서 발송 여부를 확인하지 못한 주문입니다({seen}). 스마트스토어에서 확인하기 전에는 보내지 "
        "않습니다.",
        "en": "An earlier run could not confirm whether this order was dispatched ({seen}). It is not sent until "
        "checked in Smart Store.",
    },
}

#: What to do about NAVER's refusals, by code.
NAVER_FIXES: Final[dict[str, dict[str, str]]] = {
    "100001": {"ko": "상품주문번호를 확인하세요.", "en": "Check the product order number."},
    "104442": {
        "ko": "이미 발송했거나 취소·반품된 주문인지 스마트스토어에서 확인하세요.",
        "en": "Check in Smart Store whether the order was already shipped, cancelled or returned.",
    },
    "104443": {"ko": "발주 확인 상태를 확인하세요.", "en": "Check the order's place-order (발주) status."},
    "104118": {"ko": "택배사를 입력하세요.", "en": "Fill in the courier."},
    "104119": {"ko": "택배사를 확인하세요.", "en": "Check the courier."},
    "104120": {"ko": "송장번호를 입력하세요.", "en": "Fill in the tracking number."},
    "104121": {
        "ko": "다른 주문에 이미 쓰인 송장번호입니다. 송장번호를 확인하세요.",
        "en": "Another order already uses this tracking number. Check it.",
    },
    "104122": {
        "ko": "송장번호가 택배사 형식에 맞는지 확인하세요.",
        "en": "Check the tracking number against the courier's format.",
    },
    "104131": {"ko": "같은 주문을 한 번만 보내세요.", "en": "Send each order once."},
}
DEFAULT_FIX: Final[dict[str, str]] = {
    "ko": "내용을 고친 뒤 다시 보내세요.",
    "en": "Fix the row and send it again.",
}

DISPATCH_SUMMARY: Final[dict[str, dict[str, str]]] = {
    "ko": {
        "dry_run": "미리보기(--dry-run): 요청 {requests}건을 만들었고 아무것도 보내지 않았습니다. 첫 요청의 본문:",
        "waiting": "다른 batchship 실행이 같은 저널로 보내는 중입니다. 끝날 때까지 기다립니다...",
        "sandbox": "샌드박스: {url} (로컬 모의 서버, NAVER가 아님)",
    },
    "en": {
        "dry_run": "Dry run: built {requests} request(s) and sent nothing. The first request's body:",
        "waiting": "Another batchship run is sending with this journal; waiting for it to finish...",
        "sandbox": "sandbox: {url} (a local stand-in, not NAVER)",
    },
}


def codes_table(lang: Lang = "ko") -> str:
    """Every error code a row can carry, as a Markdown table (code, meaning, fix): the README's full list."""
    from batchship.codes import NAVER_ERROR_CODES

    head = {"ko": "| 코드 | 뜻 | 고치는 법 |", "en": "| code | meaning | fix |"}[lang]
    lines = [head, "|---|---|---|"]
    for code in OWN_CODES:
        lines.append(f"| {code} | {OWN_CODES[code][lang]} | {OWN_FIXES[code][lang]} |")
    for code in NAVER_ERROR_CODES:
        fix = NAVER_FIXES.get(code, DEFAULT_FIX)[lang]
        lines.append(f"| {code} | {code_meaning(code, lang)} (NAVER) | {fix} |")
    return "\n".join(lines)
