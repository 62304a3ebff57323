"""Why a file cannot be read or written, with where and how to fix it."""

from __future__ import annotations

from typing import Final

MESSAGES: Final[dict[str, dict[str, str]]] = {
    # -- why the system refused (an OSError, put into words: the system's own text is English)
    "reason.not_found": {"ko": "파일이나 폴더가 없음", "en": "no such file or folder"},
    "reason.denied": {
        "ko": "권한이 없거나 다른 프로그램이 사용 중",
        "en": "permission denied, or in use by another program",
    },
    "reason.exists": {"ko": "같은 이름의 파일이 이미 있음", "en": "a file of that name is already there"},
    "reason.is_dir": {"ko": "폴더임", "en": "it is a folder"},
    "reason.not_dir": {"ko": "경로 중간에 폴더가 아닌 것이 있음", "en": "a part of the path is not a folder"},
    "reason.no_space": {"ko": "디스크 공간 부족", "en": "no space left on the disk"},
    "reason.read_only": {"ko": "읽기 전용 위치", "en": "read-only location"},
    "reason.name_too_long": {"ko": "이름이 너무 김", "en": "name too long"},
    "reason.busy": {"ko": "사용 중", "en": "in use"},
    "reason.io": {"ko": "입출력 오류", "en": "input/output error"},
    "reason.cannot_open": {"ko": "파일을 만들거나 열 수 없음", "en": "the file cannot be created or opened"},
    "reason.damaged": {
        "ko": "파일이 손상되었거나 저널 파일이 아님",
        "en": "the file is damaged or not a journal",
    },
    "reason.port_in_use": {"ko": "다른 프로그램이 이미 쓰는 포트", "en": "the port is already in use"},
    "reason.not_json": {"ko": "JSON 형식이 아님", "en": "not valid JSON"},
    "reason.other": {"ko": "시스템 오류 {name}", "en": "system error {name}"},
    "file.not_found": {
        "ko": "파일을 찾을 수 없습니다: {path}. 경로와 파일 이름을 확인하세요.",
        "en": "File not found: {path}. Check the path and the file name.",
    },
    "file.is_directory": {
        "ko": "{path}은(는) 폴더입니다. 발송 시트 파일(.xlsx, .xls, .csv) 하나를 지정하세요.",
        "en": "{path} is a folder. Give one shipping sheet file (.xlsx, .xls, .csv).",
    },
    "file.unreadable": {
        "ko": "파일을 읽을 수 없습니다: {path} ({reason}).",
        "en": "Cannot read the file {path} ({reason}).",
    },
    "file.empty": {
        "ko": "{path}은(는) 빈 파일입니다(0바이트). 엑셀에서 다시 저장해 보세요.",
        "en": "{path} is empty (0 bytes). Save it again from Excel.",
    },
    "file.unsupported": {
        "ko": "{path}: 지원하지 않는 형식입니다({ext}). 엑셀 파일(.xlsx, .xlsm, .xls)이나 .csv 파일, 탭으로 분리된 "
        "텍스트 파일(.txt)을 쓰세요.",
        "en": "{path}: unsupported file type ({ext}). Use an .xlsx, .xlsm, .xls or .csv file, or tab-separated "
        "text (.txt, .tsv).",
    },
    "file.html_as_xls": {
        "ko": "{path}은(는) 엑셀 파일이 아니라 웹 페이지(HTML)를 .xls 이름으로 저장한 것입니다. 엑셀에서 열어 '다른 이름으로 저장' > "
        "'Excel 통합 문서(.xlsx)'로 저장한 뒤 다시 실행하세요.",
        "en": "{path} is not an Excel file but a web page (HTML) saved under an .xls name. "
        "Open it in Excel, save it as an Excel Workbook (.xlsx), and run again.",
    },
    "file.corrupt": {
        "ko": "{path}을(를) 엑셀 파일로 읽을 수 없습니다: 파일이 손상되었거나 다운로드가 덜 되었습니다({reason}). 원본을 다시 받거나 엑셀에서 열어 "
        "다시 저장하세요.",
        "en": "{path} cannot be read as an Excel file: it is damaged or was not fully downloaded "
        "({reason}). Download it again, or open it in Excel and save it again.",
    },
    "file.csv_unreadable": {
        "ko": "{path}을(를) CSV로 읽을 수 없습니다({reason}). 엑셀에서 열어 'CSV UTF-8(쉼표로 분리)'로 다시 저장하세요.",
        "en": "{path} cannot be read as CSV ({reason}). Open it in Excel and save it as "
        "'CSV UTF-8 (Comma delimited)'.",
    },
    "file.not_text_csv": {
        "ko": "{path}은(는) 텍스트(CSV) 파일이 아닙니다(이진 데이터가 들어 있음). 올바른 CSV인지 확인하세요.",
        "en": "{path} is not a text (CSV) file: it contains binary data. Check that it is a real CSV file.",
    },
    "file.encoding": {
        "ko": "{path}의 문자 인코딩을 알 수 없습니다: UTF-8도 CP949(EUC-KR)도 아닙니다({detail}). 엑셀에서 'CSV "
        "UTF-8(쉼표로 분리)'로 다시 저장하세요.",
        "en": "The character encoding of {path} is neither UTF-8 nor CP949/EUC-KR ({detail}). "
        "Save it again from Excel as 'CSV UTF-8 (Comma delimited)'.",
    },
    "file.protected": {
        "ko": "{path}은(는) 비밀번호로 보호된 파일입니다. --password 옵션이나 BATCHSHIP_SHEET_PASSWORD 환경 변수로 비밀번호를 "
        "알려 주세요.",
        "en": "{path} is password-protected. Give its password with --password or the "
        "BATCHSHIP_SHEET_PASSWORD environment variable.",
    },
    "file.wrong_password": {
        "ko": "{path}의 비밀번호가 맞지 않습니다. 비밀번호를 확인하세요(대소문자 구분).",
        "en": "The password for {path} is wrong. Check it (it is case-sensitive).",
    },
    "file.no_sheets": {"ko": "{path}에 워크시트가 없습니다.", "en": "{path} has no worksheet."},
    "file.sheet_not_found": {
        "ko": "{path}에 '{sheet}' 시트가 없습니다. 있는 시트: {available}.",
        "en": "{path} has no sheet named '{sheet}'. Sheets found: {available}.",
    },
    "file.no_header": {
        "ko": "{where}: 처음 {scanned}행에서 '상품주문번호' 머리글을 찾지 못했습니다. 머리글 행에 상품주문번호, 택배사, 송장번호 열이 있어야 "
        "합니다.",
        "en": "{where}: no '상품주문번호' (productOrderId) header in the first {scanned} rows. The "
        "header row needs the columns 상품주문번호, 택배사 and 송장번호.",
    },
    "file.missing_columns": {
        "ko": "{where}: {row}행의 머리글에 필요한 열이 없습니다: {missing}. 찾은 머리글: {found}.",
        "en": "{where}: the header in row {row} lacks required columns: {missing}. Headers found: {found}.",
    },
    "file.duplicate_columns": {
        "ko": "{where}: {row}행의 머리글에 '{field}'에 해당하는 열이 여러 개입니다({columns}). 하나만 남기세요.",
        "en": "{where}: the header in row {row} has several columns for '{field}' "
        "({columns}). Keep only one.",
    },
    "file.no_rows": {
        "ko": "{where}: {row}행의 머리글 아래에 주문 행이 없습니다.",
        "en": "{where}: there are no order rows under the header in row {row}.",
    },
    "file.too_big": {
        "ko": "{path}이(가) 너무 큽니다({size} MB, 한도 {limit} MB). 발송 시트라면 여러 파일로 나누거나 --max-file-mb로 한도를 "
        "올리세요.",
        "en": "{path} is too large ({size} MB; the limit is {limit} MB). Split it, or raise the "
        "limit with --max-file-mb.",
    },
    "file.unpacked_too_big": {
        "ko": "{path}의 압축을 풀면 {limit} MB를 넘습니다(압축 폭탄이거나 손상된 파일). 엑셀에서 열어 필요한 시트만 새 파일로 "
        "저장하세요.",
        "en": "{path} unpacks to more than {limit} MB (a zip bomb, or damaged). Open it "
        "in Excel and save only the sheet you need to a new file.",
    },
    "file.zip_bomb": {
        "ko": "{path}의 '{part}' 부분이 압축 크기의 {ratio:.0f}배로 풀립니다(정상 엑셀 파일은 이렇지 않습니다). 엑셀에서 열어 새 파일로 "
        "저장하세요.",
        "en": "Part '{part}' of {path} unpacks to {ratio:.0f} times its packed size, which real "
        "Excel files do not do. Open it in Excel and save it as a new file.",
    },
    "file.size_lies": {
        "ko": "{path}의 '{part}' 부분이 적힌 크기와 다르게 풀립니다(손상되었거나 조작된 파일). 원본을 다시 받으세요.",
        "en": "Part '{part}' of {path} does not unpack to the size it declares (damaged or "
        "tampered with). Download the original again.",
    },
    "file.too_many_rows": {
        "ko": "{where}: {rows}행까지 씁니다. 한 번에 {limit}행까지 처리합니다. 파일을 나누거나 --max-rows로 한도를 올리세요.",
        "en": "{where} uses {rows} rows; batchship reads at most {limit}. Split the file, or "
        "raise the limit with --max-rows.",
    },
    "file.too_wide": {
        "ko": "{where}: 사용 영역이 {last} 셀까지 뻗어 있어({cells}칸) 읽을 수 있는 크기({limit}칸)를 넘습니다. 엑셀에서 "
        "Ctrl+End로 마지막 셀을 찾아 그 아래·오른쪽의 빈 행과 열을 삭제하고 저장하세요.",
        "en": "{where} reaches cell {last} ({cells} cells), more than the {limit} batchship "
        "reads. In Excel, press Ctrl+End to find the last cell, delete the empty rows and "
        "columns below and right of your data, and save.",
    },
    "file.formula_no_value": {
        "ko": "{where}: 수식의 결과값이 저장되어 있지 않습니다({cells}). 프로그램이 만든 뒤 엑셀에서 한 번도 열지 않은 "
        "파일입니다. 엑셀에서 열어 저장한 뒤 다시 올리세요.",
        "en": "{where}: formulas without saved results ({cells}): the file was written by a program and never "
        "opened in Excel. Open it in Excel, save it, and try again.",
    },
    "file.no_room": {
        "ko": "{where}: {last}열까지 쓰고 있어 엑셀의 마지막 열까지 결과 열 3개를 붙일 자리가 없습니다. 쓰지 않는 열을 "
        "지우고 저장한 뒤 다시 실행하세요.",
        "en": "{where} uses columns up to {last}, too close to Excel's last column to add the three result "
        "columns. Delete the columns you do not need, save, and run again.",
    },
    "file.declaration": {
        "ko": "{where}: 워크시트에 문서 형식 선언이 있습니다. 엑셀이 만든 파일에는 없는 것이라 읽지 않습니다. 엑셀에서 "
        "열어 새 파일로 저장하세요.",
        "en": "{where}: the worksheet carries a document type declaration (DOCTYPE/ENTITY), which no file Excel "
        "writes has, so it is not read. Open it in Excel and save it as a new file.",
    },
    "file.not_xml": {
        "ko": "{where}: 워크시트 내용이 손상되었습니다. 엑셀에서 열어 새 파일로 저장하세요.",
        "en": "{where}: the worksheet is not well-formed XML (a damaged file). Open it in Excel and save it as a "
        "new file.",
    },
    "file.line_too_long": {
        "ko": "{path}의 {line}행이 {limit:,}자를 넘습니다. 발송 시트의 한 줄이 이렇게 길 수 없습니다: 파일을 확인하세요.",
        "en": "Line {line} of {path} is longer than {limit:,} characters, which no shipping "
        "sheet's line is. Check the file.",
    },
    "file.cell_too_long": {
        "ko": "{where}: {row}행 {column}열 칸의 글자 수가 {length}자로 한도 {limit}자를 넘습니다. 그 칸을 확인하세요.",
        "en": "{where}: the cell in row {row}, column {column} holds {length} characters, "
        "more than {limit}. Check that cell.",
    },
    "file.mixed_encoding": {
        "ko": "{path}에 UTF-8과 CP949(EUC-KR) 줄이 섞여 있습니다({utf8_line}행은 UTF-8, {cp949_line}행은 "
        "CP949). 한 가지로 다시 저장하세요(엑셀: 'CSV UTF-8(쉼표로 분리)').",
        "en": "{path} mixes UTF-8 lines and CP949/EUC-KR lines (line {utf8_line} is UTF-8, "
        "line {cp949_line} CP949). Save it again in one encoding (Excel: 'CSV UTF-8 "
        "(Comma delimited)').",
    },
    "file.report_write_failed": {
        "ko": "보고서 파일을 쓸 수 없습니다: {path} ({reason}). 경로와 권한을 확인하세요.",
        "en": "Cannot write the report file {path} ({reason}). Check the path and the permissions.",
    },
    "retry.from_row": {"ko": "원본 {row}행: {message}", "en": "original row {row}: {message}"},
    "file.result_failed": {
        "ko": "결과 파일 {path}을(를) 만들지 못했습니다({error}). 원본을 엑셀에서 열어 새 파일로 저장한 뒤 다시 실행하세요.",
        "en": "Could not build the result file {path} ({error}). Open the original in Excel, save it as a new "
        "file and run again.",
    },
    "file.no_free_name": {
        "ko": "{path} 옆에 쓸 수 있는 이름이 없습니다(같은 이름의 파일이 너무 많습니다). 오래된 결과 파일을 정리하거나 "
        "--out으로 저장할 곳을 정하세요.",
        "en": "No free name beside {path} (too many files of that name). Tidy away old result files or choose "
        "where to save with --out.",
    },
    "file.write_failed": {
        "ko": "결과 파일을 쓸 수 없습니다: {path} ({reason}). 폴더가 있는지, 파일이 엑셀에서 열려 있지 않은지 확인하세요.",
        "en": "Cannot write the result file {path} ({reason}). Check that the folder exists "
        "and the file is not open in Excel.",
    },
    "file.out_is_input": {
        "ko": "결과 파일 경로가 입력 파일과 같습니다({path}). 입력 파일은 바꾸지 않으므로 다른 --out 경로를 주세요.",
        "en": "The result path is the input file itself ({path}). The input is never "
        "modified: give another --out.",
    },
    "field.productOrderId": {"ko": "상품주문번호", "en": "상품주문번호 (productOrderId)"},
    "field.deliveryMethod": {"ko": "배송방법", "en": "배송방법 (deliveryMethod)"},
    "field.deliveryCompanyCode": {"ko": "택배사", "en": "택배사 (deliveryCompanyCode)"},
    "field.trackingNumber": {"ko": "송장번호", "en": "송장번호 (trackingNumber)"},
    "field.dispatchDate": {"ko": "발송일", "en": "발송일 (dispatchDate)"},
    "field.paymentDate": {"ko": "결제일", "en": "결제일 (paymentDate)"},
    "where.sheet": {"ko": "{file}의 '{sheet}' 시트", "en": "sheet '{sheet}' of {file}"},
    "where.csv": {"ko": "{file}", "en": "{file}"},
}
